"""Stage 3, model: the typed ``Report`` (``nodes``), built from the parse tree (``build``) with the three tables
aligned to the national template by label (``tables``, ``flattened`` for run-together crawls). The template is
data (``templates/template-2021.yaml``, ``template-2019.yaml``, read by ``template``).

The node types are re-exported here: ``from gklint.model import Report, Table, Cell``.
"""
from .nodes import (Number, NUMBER, BLANK, PLACEHOLDER, TEXT, MISSING, UNSPLIT, Cell, Row, HeaderLabel, Table, Line, Heading, Paragraph, TableRegion, Block, Section, Title, Report)

__all__ = ['Number', 'NUMBER', 'BLANK', 'PLACEHOLDER', 'TEXT', 'MISSING', 'UNSPLIT', 'Cell', 'Row', 'HeaderLabel', 'Table', 'Line', 'Heading', 'Paragraph', 'TableRegion', 'Block', 'Section', 'Title', 'Report']
