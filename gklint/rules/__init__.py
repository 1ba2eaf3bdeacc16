"""Stage 4, rules: rule packs are loaded (``loader``: strict YAML, ``rules/<pack>/<CODE>.yaml``) and run
(``engine``) through check kinds (``checks``: structure, table shape, relations, content, consistency,
typography); relations are written in the expression language of ``expr`` (``grammars/expr.lark``, never
``eval``). Python rules and check kinds come from plugins (``gklint.hookspecs``).
"""
