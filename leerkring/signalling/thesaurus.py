"""A small thesaurus of the inburgering practice, for `analysis`.

Each concept names one thing that practitioners call by different words: a klantmanager
writes "PIP", a teacher "persoonlijk plan", a volunteer "inburgeringsplan". The words are
written out in full and stemmed like any text, so "vertalers" meets "tolken" through the
concept "tolk". Generic words ("lang", "les", "werk") are left out on purpose: a word that
half of all signals use links everything to everything.

Every concept must earn its place on text it was not written for; docs/performance.md gives
recall with and without the thesaurus on the development and held-out sets. What the venster
learns from its coordinators (`learning`) does the same work for the words of each
programme, without anyone writing them down.
"""

from __future__ import annotations

#: Abbreviations as practitioners write them, and the word they are stemmed as.
ABBREVIATIONS: dict[str, str] = {
    "pip": "inburgeringsplan",
    "piptermijn": "inburgeringstermijn",
    "azc": "asielzoekerscentrum",
    "knm": "maatschappijkennis",
    "map": "participatiemodule",
    "pvt": "participatieverklaring",
    "amv": "minderjarige",
    "amvs": "minderjarige",
    "avg": "privacy",
    "ggz": "geestelijke",
    "zroute": "zelfredzaamheidsroute",
    "ov": "openbaarvervoer",
    "isk": "schakelklas",
    "nt2": "taalles",
}

CONCEPTS: dict[str, str] = {
    # Housing and moving
    "woning": (
        "woning woningen huisvesting woonruimte huurwoning woningtekort woningcorporatie "
        "corporatie verhuurder sleutel koppeling taakstelling"
    ),
    "tijdelijk_wonen": "flexwoning flexwoningen noodopvang wisselwoning tijdelijke",
    "verhuizen": "verhuizen verhuizing verhuist woongemeente",
    "azc": "asielzoekerscentrum opvanglocatie coa",
    # Money
    "schuld": (
        "schuld schulden betalingsachterstand achterstand achterstanden aanmaning aanmaningen "
        "deurwaarder incasso schuldhulp schuldhulpverlening schuldhulpverlener vordering "
        "bewindvoering"
    ),
    "ontzorgen": "ontzorgen ontzorging ontzorgperiode vastelasten inhouding ingehouden",
    "geldzaken": "budgetcoach budgettraining geldzaken huishoudboekje",
    "energie": (
        "energie energierekening stroom gas jaarafrekening eindnota voorschot voorschotten "
        "meterstanden verwarming energiecontract"
    ),
    "lening": (
        "lening lenen geleend leengeld krediet kwijtschelding kwijtgescholden terugbetalen "
        "studieschuld"
    ),
    "toeslag": (
        "toeslag toeslagen huurtoeslag zorgtoeslag kinderopvangtoeslag belastingdienst "
        "terugvordering"
    ),
    "bijstand": (
        "participatiewet bijstand uitkering bijstandsuitkering sollicitatieplicht "
        "werkconsulent kostendelersnorm"
    ),
    "budget": "financiering rijksbijdrage bekostiging tarief inkoop aanbesteding",
    "bank": "bank banken bankrekening betaalrekening",
    # Family
    "gezinsmigrant": (
        "gezinsmigrant gezinsmigranten gezinsvormer gezinsvorming huwelijksmigrant "
        "huwelijksmigranten partnermigrant referent"
    ),
    "nareizen": "nareiziger nareizigers nareis gezinshereniging hereniging",
    "geweld": "geweld huiselijk mishandeling controlerend veiligthuis",
    "kinderopvang": ("kinderopvang creche oppas peuteropvang kinderdagverblijf gastouder kinderen"),
    "schooltijden": "schooltijden basisschool schoolvakantie schoolvakanties",
    "amv": "minderjarige minderjarigen nidos voogd voogdij",
    # The route and its parts
    "plan": "inburgeringsplan trajectplan plan",
    "intake": "intake kennismakingsgesprek",
    "overdracht": (
        "overdracht overdrachtsdossier gegevensuitwisseling klantprofiel dossier doorgeven"
    ),
    "wachten": "wachttijd wachttijden wachtlijst wachtlijsten wachten vertraging vertraagd",
    "taalaanbieder": (
        "taalschool taalscholen taalaanbieder taalaanbieders taalinstituut taalklas taalles "
        "taalcursus lesplek"
    ),
    "faillissement": "failliet faillissement",
    "niveau": "niveaugroep niveaugroepen niveau",
    "hoogopgeleid": "hoogopgeleid hoogopgeleide hoogopgeleiden staatsexamen universiteit",
    "zroute": "zelfredzaamheidsroute",
    "route": "leerroute overstap switchen wisselen",
    "map": "participatiemodule arbeidsmarktmodule",
    "knm": "maatschappijkennis",
    "pvt": "participatieverklaring kernwaarden",
    "toets": "leerbaarheidstoets leerbaarheid",
    "examen": "examen examens examenplek examenlocatie examencapaciteit examenplekken",
    "termijn": "termijn verlenging verlengen inburgeringstermijn",
    "boete": "boete boetes sanctie sancties handhaving cjib",
    "verzuim": "verzuim afwezig absentie afwezigheid ziekmelding wegblijven spijbelen",
    "inspanning": "inspanning inspanningen aantoonbaar aantoonbare",
    "ontheffing": "ontheffing ontheffingen vrijstelling ontheven vrijgesteld",
    "onderwijsroute": "onderwijsroute schakeljaar schakeltraject mbo hbo",
    "studiefinanciering": "studiefinanciering stufi",
    "isk": "schakelklas internationale",
    "werk": "baan werkgever werkgevers bedrijf werkvloer duaal duale",
    "rooster": "lestijden rooster lesrooster avondles avondlessen weekend dagles",
    # Health
    "medisch": "medisch medische keuring keuringsarts gezondheid gza ggd",
    "psyche": "trauma psychisch geestelijke psycholoog psychiater ptss depressie",
    "zorgverzekering": (
        "zorgverzekering zorgverzekeraar verzekerd onverzekerd zorgpremie cak verzekering"
    ),
    "huisarts": "huisarts huisartsen patientenstop",
    "beperking": "beperking beperkingen doof slechtziend lvb gehandicapt",
    # Language help, people and tools
    "tolk": "tolk tolken tolkdienst tolkvoorziening vertaler vertalen vertaalapp",
    "maatje": "maatje taalmaatje taalmaatjes taalcoach taalcafe taalhuis vrijwilliger",
    "begeleiding": "maatschappelijke begeleiding vluchtelingenwerk",
    "privacy": "privacy toestemming gegevensbescherming verwerkersovereenkomst",
    "digitaal": "digid inloggen digitaal digitale berichtenbox",
    "laptop": "laptop computer smartphone internet wifi",
    "brp": "brp basisregistratie geboortedatum burgerzaken",
    "diploma": "diploma diplomas diplomawaardering erkenning idw",
    "vog": "vog stage",
    "caseload": "caseload werkdruk personeelsverloop",
    "reizen": (
        "reiskosten vervoerskosten reistijd openbaarvervoer bus trein vervoer buskaart ovchipkaart"
    ),
    "brief": "brief brieven beschikking",
    "oekraine": "oekraine oekrainer oekrainers ontheemden",
    "zwanger": "zwanger zwangerschap bevalling zwangerschapsverlof",
    "alfa": "analfabeet analfabeten alfabetisering laaggeletterd alfa",
}
