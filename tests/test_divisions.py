"""The gazetteer behind GK517 (gklint/model/divisions.py): full and short names, names shared by several places,
and which places lie in which."""
from gklint.model.divisions import ending, lookup, places_in, related, short_name


def names(key: str) -> list[str]:
    return [d.name for d in lookup(key)]


def test_short_names_drop_the_level_and_the_autonomous_peoples():
    assert [short_name(n) for n in ("宝鸡市", "长阳土家族自治县", "黔东南苗族侗族自治州", "内蒙古自治区", "西藏自治区",
                                    "新疆维吾尔自治区", "眉县", "城区")] == \
        ["宝鸡", "长阳", "黔东南", "内蒙古", "西藏", "新疆", None, None]


def test_a_name_gives_every_place_it_can_be():
    assert names("宝鸡") == ["宝鸡市"] and names("眉县") == ["眉县"]
    assert len(lookup("鼓楼区")) == 4 and {"朝阳市", "朝阳县", "朝阳区"} <= set(names("朝阳"))
    assert lookup("信息公开") == ()


def test_places_inside_one_another_are_related_and_neighbours_are_not():
    assert related(lookup("眉县"), lookup("宝鸡市")) and related(lookup("陕西"), lookup("眉县"))
    assert not related(lookup("清丰县"), lookup("濮阳县"))          # two counties of 濮阳市
    assert related(lookup("濮阳"), lookup("濮阳县"))                 # 濮阳 is the city too
    assert not related(lookup("彝良县"), lookup("宝鸡"))


def test_names_in_an_agency_and_before_a_word():
    assert [(a, b, ds[0].name) for a, b, ds in places_in("云南省昭通市彝良县审计局")] == \
        [(0, 3, "云南省"), (3, 6, "昭通市"), (6, 9, "彝良县")]
    assert ending("我局依托宝鸡")[0] == "宝鸡" and ending("我局依托") is None
