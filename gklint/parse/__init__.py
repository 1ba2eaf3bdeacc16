"""Stage 2, parse: the report's lines are classified (``outline.tokenize``) and parsed by the Lark LALR grammar
``grammars/report.lark`` (its tables built by Lark and kept: ``lalr_driver``) into the document outline (title, preamble, the six sections, sub-headings,
paragraphs, table regions). The grammar is permissive: no report makes it fail.
"""
