"""A sentence's key (``gklint.review.facts.sentence_key``) joins the runs that are not noise: the same key as
substituting the noise away, which it did before (the keys are in the result cache's packed facts)."""
import hashlib
import random
import re

from gklint.review import facts

_NOISE = re.compile(r"[\s\d０-９.,，、%％·:：“”\"'（）()]+")    # the noise as it was when keys were first cached
_SAMPLE = "全年共收到政府信息公开申请１２３件，同比增长4.5%（上年 118 件）；办结率：“100%”。\u3000\t\n零一二三" \
          "ABCabc'\"()（）·、，,.:：!?。；٣߁𝟘\u00a0\u2003\u2028"


def _old_key(text):
    if len(text) < facts.MIN_SENTENCE_CHARS:
        return None
    core = _NOISE.sub("", text)
    if len(core) < facts.MIN_SENTENCE_CHARS:
        return None
    return hashlib.blake2b(core.encode("utf-8"), digest_size=8).digest()


def test_sentence_key_as_substituting_the_noise_away():
    rnd = random.Random(9)
    texts = ["", "一二三四五六七八九十百千", "本机关2023年共收到申请12件，办结12件。", "　" * 20, "1" * 40]
    texts += ["".join(rnd.choice(_SAMPLE) for _ in range(rnd.randrange(0, 80))) for _ in range(3000)]
    for t in texts:
        assert facts.sentence_key(t) == _old_key(t), t


def test_a_known_key():
    # the keys sit in cached facts: another noise class would need another cache schema
    assert facts.sentence_key("本机关２０２３年共收到政府信息公开申请12件。") == \
        hashlib.blake2b("本机关年共收到政府信息公开申请件。".encode(), digest_size=8).digest()


def test_the_kept_characters_are_never_noise():
    # (what lets the key take runs of them without asking the noise class)
    noise = re.compile(f"[{facts.NOISE_CLASS}]")
    kept = re.compile(f"[{facts.KEPT_CLASS}]")
    assert not [c for c in map(chr, range(0x110000)) if kept.match(c) and noise.match(c)]


def test_keys_of_prose_with_the_kept_characters():
    rnd = random.Random(11)
    sample = _SAMPLE + "《》〈〉「」『』【】〔〕；！？*#政府信息公开年度报告xyzXYZ"
    for _ in range(3000):
        t = "".join(rnd.choice(sample) for _ in range(rnd.randrange(0, 90)))
        assert facts.sentence_key(t) == _old_key(t), t
