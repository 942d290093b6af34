"""An incremental update of a PDF (ISO 32000 7.5.6): the file's bytes as they are, then the
objects that change or are new, a cross-reference section for them and a trailer pointing back
to the previous one. documenti.pdf uses it to put the numbered index over pass 1's first pages
and to add the bookmarks. pypdf's own incremental writer reads and clones every object of the
document first (half a second for a 90-page plan); this reads only the objects it touches,
through pypdf's lazy reader, and writes them with pypdf's serialisation of single values."""

import io
import re

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)


class Aggiornamento:
    def __init__(self, contenuto):
        self.contenuto = contenuto
        self.lettore = PdfReader(io.BytesIO(contenuto))
        self.prossimo = int(self.lettore.trailer["/Size"])
        self.scritti = {}  # id -> bytes of the object's body
        self.importati = {}  # (id(reader), id) -> new id

    # --- objects ------------------------------------------------------------------------

    def nuovo_id(self):
        self.prossimo += 1
        return self.prossimo - 1

    def scrivi(self, idnum, valore, origine=None):
        """Object `idnum` (of the document, or a new one) is now `valore`; references in it to
        objects of another reader (`origine`) are imported with them."""
        self.scritti[idnum] = self._serializza(valore, origine)

    def importa(self, valore, origine):
        """`valore` of another PDF (`origine`, a PdfReader) as a value of this one: the objects
        it refers to are copied (once), under new numbers."""
        return _Grezzo(self._serializza(valore, origine))

    def _riferimento(self, ref, origine):
        if origine is None or ref.pdf is not origine:
            return f"{ref.idnum} {ref.generation} R".encode()
        chiave = (id(origine), ref.idnum)
        if chiave not in self.importati:
            nuovo = self.importati[chiave] = self.nuovo_id()
            self.scritti[nuovo] = self._serializza(ref.get_object(), origine)
        return f"{self.importati[chiave]} 0 R".encode()

    def _serializza(self, valore, origine):
        if isinstance(valore, _Grezzo):
            return valore.dati
        if isinstance(valore, IndirectObject):
            return self._riferimento(valore, origine)
        if isinstance(valore, StreamObject):
            # The stream as stored (still compressed): its dictionary but the length, which is
            # the stored data's.
            dati = valore._data
            voci = {k: v for k, v in valore.items() if k != "/Length"}
            testa = self._dizionario(voci, origine)[:-2] + b"/Length " + str(len(dati)).encode() + b">>"
            return testa + b"\nstream\n" + dati + b"\nendstream"
        if isinstance(valore, dict):  # a DictionaryObject, or a plain dict of entries
            return self._dizionario(valore, origine)
        if isinstance(valore, ArrayObject):
            return b"[" + b" ".join(self._serializza(v, origine) for v in valore) + b"]"
        buffer = io.BytesIO()
        valore.write_to_stream(buffer)
        return buffer.getvalue()

    def _dizionario(self, voci, origine):
        parti = [b"<<"]
        for chiave, valore in voci.items():
            parti.append(self._serializza(NameObject(chiave), origine) + b" " + self._serializza(valore, origine))
        parti.append(b">>")
        return b"".join(parti)

    # --- the document ---------------------------------------------------------------------

    def sostituisci_contenuto(self, pagina, nuova, origine):
        """Page `pagina` (of this document) shows the content of `nuova` (a page of `origine`)
        with its resources; its other entries (links, size, parent) stay."""
        voci = dict(pagina.items())
        voci["/Contents"] = self.importa(nuova.raw_get("/Contents"), origine)
        voci["/Resources"] = self.importa(nuova.raw_get("/Resources"), origine)
        self.scrivi(pagina.indirect_reference.idnum, voci)

    def segnalibri(self, voci):
        """The document's outline: `voci` are (level, title, page index, x, y), in order, a
        level at most one deeper than the entry before."""
        if not voci:
            return
        radice = self.nuovo_id()
        ids = [self.nuovo_id() for _ in voci]
        pagine = self.lettore.pages
        figli = {radice: []}
        pila = [(0, radice)]  # (level, id)
        genitore_di = {}
        for (livello, _titolo, _pagina, _x, _y), idnum in zip(voci, ids, strict=True):
            while pila[-1][0] >= livello:
                pila.pop()
            genitore_di[idnum] = pila[-1][1]
            figli[pila[-1][1]].append(idnum)
            figli[idnum] = []
            pila.append((livello, idnum))

        def rif(idnum):
            return _Grezzo(f"{idnum} 0 R".encode())

        for (_livello, titolo, pagina, x, y), idnum in zip(voci, ids, strict=True):
            fratelli = figli[genitore_di[idnum]]
            i = fratelli.index(idnum)
            voce = {
                "/Title": TextStringObject(titolo),
                "/Parent": rif(genitore_di[idnum]),
                "/Dest": ArrayObject(
                    [
                        pagine[pagina].indirect_reference,
                        NameObject("/XYZ"),
                        FloatObject(x) if x is not None else NullObject(),
                        FloatObject(y) if y is not None else NullObject(),
                        NullObject(),
                    ]
                ),
            }
            if i > 0:
                voce["/Prev"] = rif(fratelli[i - 1])
            if i < len(fratelli) - 1:
                voce["/Next"] = rif(fratelli[i + 1])
            if figli[idnum]:
                voce.update({"/First": rif(figli[idnum][0]), "/Last": rif(figli[idnum][-1])})
                voce["/Count"] = NumberObject(-len(figli[idnum]))  # closed: chapters show their sections on a click
            self.scrivi(idnum, voce)
        primi = figli[radice]
        self.scrivi(
            radice,
            {
                "/Type": NameObject("/Outlines"),
                "/First": rif(primi[0]),
                "/Last": rif(primi[-1]),
                "/Count": NumberObject(len(primi)),
            },
        )
        catalogo = self.lettore.trailer.raw_get("/Root")
        voci_catalogo = dict(self.lettore.trailer["/Root"].items())
        voci_catalogo["/Outlines"] = rif(radice)
        voci_catalogo["/PageMode"] = NameObject("/UseOutlines")
        self.scrivi(catalogo.idnum, voci_catalogo)

    def scrivi_file(self):
        """The document with the update appended."""
        uscita = io.BytesIO()
        uscita.write(self.contenuto)
        if not self.contenuto.endswith(b"\n"):
            uscita.write(b"\n")
        posizioni = {}
        for idnum in sorted(self.scritti):
            posizioni[idnum] = uscita.tell()
            uscita.write(f"{idnum} 0 obj\n".encode() + self.scritti[idnum] + b"\nendobj\n")
        xref = uscita.tell()
        # Object 0, the head of the free list, as every section of the file has it (readers
        # check that a section starts at 0).
        uscita.write(b"xref\n0 1\n0000000000 65535 f\r\n")
        ids = sorted(posizioni)
        inizio = 0
        while inizio < len(ids):
            fine = inizio
            while fine + 1 < len(ids) and ids[fine + 1] == ids[fine] + 1:
                fine += 1
            uscita.write(f"{ids[inizio]} {fine - inizio + 1}\n".encode())
            for idnum in ids[inizio : fine + 1]:
                uscita.write(f"{posizioni[idnum]:010d} 00000 n\r\n".encode())
            inizio = fine + 1
        trailer = {
            "/Size": NumberObject(self.prossimo),
            "/Root": self.lettore.trailer.raw_get("/Root"),
            "/Prev": NumberObject(_startxref(self.contenuto)),
        }
        for chiave in ("/Info", "/ID"):
            if chiave in self.lettore.trailer:
                trailer[chiave] = self.lettore.trailer.raw_get(chiave)
        uscita.write(b"trailer\n" + self._dizionario(trailer, None) + f"\nstartxref\n{xref}\n%%EOF\n".encode())
        return uscita.getvalue()


class _Grezzo:
    """A value already serialised."""

    def __init__(self, dati):
        self.dati = dati


def _startxref(contenuto):
    trovati = re.findall(rb"startxref\s+(\d+)", contenuto[-1024:])
    if not trovati:
        raise ValueError("PDF senza startxref")
    return int(trovati[-1])
