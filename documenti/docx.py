"""DOCX of a document, with python-docx (text is written literally: no markup is interpreted).

Headings use Word's built-in styles (Heading 1-3), so the table-of-contents field and the
navigation pane work. The index is a TOC field whose current content is the list of chapters
and sections: Word (which is asked to update fields on opening) replaces it with page
numbers, and a reader that does not update fields still shows the list.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BLU = RGBColor(0x00, 0x66, 0xCC)
BLU_SCURO = RGBColor(0x17, 0x32, 0x4D)
GRIGIO = RGBColor(0x40, 0x4A, 0x55)
SFONDO_INTESTAZIONE = "DCE6F2"
SFONDO_ETICHETTA = "E8EEF5"
SFONDO_TOTALE = "F2F5F8"
# Arial is on every office machine; LibreOffice maps it to Liberation Sans (metric-compatible).
CARATTERE = "Arial"


def genera_docx(documento):
    """The DOCX of a `modello.Documento`, as bytes."""
    d = Document()
    _stili(d)
    sezione = d.sections[0]
    if documento.orizzontale:
        sezione.orientation = WD_ORIENT.LANDSCAPE
        sezione.page_width, sezione.page_height = Cm(29.7), Cm(21.0)
    else:
        sezione.page_width, sezione.page_height = Cm(21.0), Cm(29.7)
    for lato in ("left_margin", "right_margin"):
        setattr(sezione, lato, Cm(1.7))
    sezione.top_margin, sezione.bottom_margin = Cm(2.0), Cm(1.8)
    larghezza_utile = sezione.page_width - sezione.left_margin - sezione.right_margin
    _intestazione_e_piede(sezione, documento)
    _copertina(d, documento)
    _indice(d, documento)
    for n, cap in enumerate(documento.capitoli):
        if n:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        d.add_heading(cap.etichetta, level=1)
        for b in cap.blocchi:
            _blocco(d, b, larghezza_utile)
    d.core_properties.title = f"{documento.titolo} – {documento.ente}"
    d.core_properties.author = documento.ente
    d.core_properties.comments = documento.nota_generazione
    d.core_properties.language = "it-IT"
    _aggiorna_campi_all_apertura(d)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _carattere(stile):
    """Arial in every script slot, and no theme font (which Word would prefer)."""
    rpr = stile.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), CARATTERE)
    return rpr


def _stili(d):
    normale = d.styles["Normal"]
    normale.font.size = Pt(10)
    rpr = _carattere(normale)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "it-IT")
    rpr.append(lang)
    normale.paragraph_format.space_after = Pt(4)
    for livello, dimensione, colore in ((1, 18, BLU), (2, 13, BLU_SCURO), (3, 11, BLU_SCURO)):
        stile = d.styles[f"Heading {livello}"]
        _carattere(stile)
        stile.font.size = Pt(dimensione)
        stile.font.color.rgb = colore
        stile.font.bold = True
        stile.paragraph_format.space_before = Pt(12 if livello > 1 else 0)
        stile.paragraph_format.space_after = Pt(5)
        stile.paragraph_format.keep_with_next = True


def _campo(paragrafo, istruzione):
    """A simple field (PAGE, NUMPAGES) in a paragraph."""
    run = paragrafo.add_run()
    inizio, testo, fine = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    inizio.set(qn("w:fldCharType"), "begin")
    testo.set(qn("xml:space"), "preserve")
    testo.text = istruzione
    fine.set(qn("w:fldCharType"), "end")
    run._r.append(inizio)
    run._r.append(testo)
    run._r.append(fine)
    return run


def _intestazione_e_piede(sezione, documento):
    sezione.different_first_page_header_footer = True  # the cover has neither
    p = sezione.header.paragraphs[0]
    run = p.add_run(documento.intestazione)
    run.font.size, run.font.color.rgb = Pt(8), GRIGIO
    p = sezione.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for parte in ("Pagina ", None, " di ", "NUMPAGES"):
        run = p.add_run(parte) if parte in ("Pagina ", " di ") else _campo(p, "PAGE" if parte is None else "NUMPAGES")
        run.font.size, run.font.color.rgb = Pt(8), GRIGIO


def _copertina(d, documento):
    for _ in range(6):
        d.add_paragraph()
    p = d.add_paragraph()
    run = p.add_run(documento.ente)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(15), BLU
    p = d.add_paragraph()
    run = p.add_run(documento.titolo)
    run.bold, run.font.size = True, Pt(28)
    p.paragraph_format.space_after = Pt(18)
    for riga in documento.frontespizio:
        p = d.add_paragraph()
        p.add_run(riga).font.size = Pt(12)
    if documento.bozza:
        p = d.add_paragraph()
        run = p.add_run("BOZZA")
        run.bold, run.font.size, run.font.color.rgb = True, Pt(22), RGBColor(0xD9, 0x36, 0x4F)
    for _ in range(4):
        d.add_paragraph()
    p = d.add_paragraph()
    run = p.add_run(documento.nota_generazione)
    run.font.size, run.font.color.rgb = Pt(8.5), GRIGIO
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _indice(d, documento):
    p = d.add_paragraph()
    run = p.add_run("Indice")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(18), BLU
    voci = documento.indice()
    paragrafi = []
    for voce in voci:
        p = d.add_paragraph()
        p.paragraph_format.space_after = Pt(2)
        if voce.livello == 2:
            p.paragraph_format.left_indent = Cm(0.6)
        run = p.add_run(voce.etichetta)
        run.bold = voce.livello == 1
        paragrafi.append(p)
    if paragrafi:
        # TOC field spanning the list: begin + instruction + separate before the first entry,
        # end after the last; the entries are the field's current result.
        primo, ultimo = paragrafi[0], paragrafi[-1]
        r = OxmlElement("w:r")
        for tipo, testo in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
            if tipo:
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), tipo)
                if tipo == "begin":
                    fc.set(qn("w:dirty"), "true")
                r.append(fc)
            else:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = testo
                r.append(instr)
        primo._p.insert(1 if primo._p.pPr is not None else 0, r)
        r_fine = OxmlElement("w:r")
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), "end")
        r_fine.append(fc)
        ultimo._p.append(r_fine)
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _aggiorna_campi_all_apertura(d):
    impostazioni = d.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    impostazioni.append(el)


def _blocco(d, b, larghezza_utile):
    if b.tipo == "titolo":
        d.add_heading(b.etichetta, level=b.livello)
    elif b.tipo == "paragrafo":
        p = d.add_paragraph()
        run = p.add_run(b.testo)
        if b.nota:
            run.italic = True
            run.font.color.rgb = GRIGIO
    elif b.tipo == "elenco":
        for voce in b.voci:
            d.add_paragraph(voce, style="List Bullet")
    elif b.tipo == "grafico":
        d.add_picture(io.BytesIO(b.png()), width=min(Cm(12), larghezza_utile))
        _fonte(d, b.fonte)
    elif b.tipo == "tabella":
        _tabella(d, b, larghezza_utile)


def _fonte(d, fonte):
    p = d.add_paragraph()
    p.paragraph_format.space_after = Pt(10)
    run = p.add_run(f"Fonte: {fonte}")
    run.italic, run.font.size, run.font.color.rgb = True, Pt(7.5), GRIGIO


def _sfondo(cella, colore):
    tc_pr = cella._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colore)
    tc_pr.append(shd)


def _scrivi(cella, testo, grassetto=False, destra=False, dimensione=8.5):
    p = cella.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if destra:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(testo)  # "\n" becomes a line break
    run.bold = grassetto
    run.font.size = Pt(dimensione)


def _ripeti_intestazione(riga):
    tr_pr = riga._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _non_dividere(riga):
    tr_pr = riga._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _tabella(d, t, larghezza_utile):
    if t.didascalia:
        p = d.add_paragraph()
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(2)
        run = p.add_run(t.didascalia)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(9), BLU_SCURO
    n_col = len(t.colonne)
    intestazione = 1 if t.mostra_intestazione else 0
    n_righe = intestazione + len(t.righe) + (1 if t.totale else 0)
    tabella = d.add_table(rows=n_righe, cols=n_col)
    tabella.style = "Table Grid"
    tabella.alignment = WD_TABLE_ALIGNMENT.CENTER
    tabella.autofit = False
    larghezze = [int(larghezza_utile * p / 100) for p in t.percentuali()]
    # LibreOffice lays a table out by its grid, Word by its cells: both get the widths.
    for colonna, w in zip(tabella._tbl.tblGrid.gridCol_lst, larghezze, strict=False):
        colonna.w = w
    righe = tabella.rows
    for riga in righe:
        for cella, w in zip(riga.cells, larghezze, strict=False):
            cella.width = w
    if intestazione:
        for i, (cella, testo) in enumerate(zip(righe[0].cells, t.colonne, strict=False)):
            _scrivi(cella, testo, grassetto=True, destra=i in t.numeriche)
            _sfondo(cella, SFONDO_INTESTAZIONE)
        _ripeti_intestazione(righe[0])
    for r, posizionate in enumerate(t.griglia()):
        if r not in t.righe_lunghe:
            _non_dividere(righe[intestazione + r])
        celle = righe[intestazione + r].cells
        for indice, c in posizionate:
            cella = celle[indice]
            etichetta = c.intestazione or (t.scheda and indice == 0)
            _scrivi(cella, c.testo, grassetto=etichetta, destra=indice in t.numeriche)
            if etichetta:
                _sfondo(cella, SFONDO_ETICHETTA)
            if c.righe > 1:
                cella.merge(righe[intestazione + r + c.righe - 1].cells[indice])
    if t.totale:
        for i, (cella, testo) in enumerate(zip(righe[-1].cells, t.totale, strict=False)):
            _scrivi(cella, testo, grassetto=True, destra=i in t.numeriche)
            _sfondo(cella, SFONDO_TOTALE)
    _fonte(d, t.fonte)
