"""Agreements stage: documents between cities, their type, status, parties and date.

Every word is data in ``pipeline/rules/<lang>/agreements.yaml``: the document
names per GOLD.md type, relations that count only with an act about them, the
acts that establish a relation by themselves, the status cues, the municipal
words that make a generic document an inter-city one, and the prepositions
that introduce partners ("with A and B" gives one agreement per pair).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.stages.lexicon import Lexicon, Match, check_phrase, doc_units, segment_of, segments
from pipeline.resources.capitals import is_capital
from pipeline.rules import load_compiled
from pipeline.stages.areas import compiled_for as areas_compiled_for
from pipeline.stages.officials import _same_stems as same_stems
from pipeline.types import AnnotatedDoc
from schemas.record import (AgreementItem, AgreementStatus, AgreementType, CityItem, DateItem, DateKind,
                            Mention, OfficialItem)

STAGE = "agreements"
LEAD_SEGMENTS = 3  # headline, dateline, first sentence: the host city stands there
_YEAR_AFTER = re.compile(r"\s*((?:1[0-9]|20)[0-9]{2})(?![0-9])")
_DATELINE_TAIL = re.compile(r"\s*(?:[–—-]|,|\(|/)")
BACKGROUND_DAYS = 31  # a signing dated longer before publication is told as background
STATUS_WINDOW = 8
FUTURE_AUXILIARY = 4  # units from a future auxiliary to the participle it governs ("bo župan Celja odpotoval")
PARTNER_GAP = 4  # units from a document's name to the word that introduces its partner ("Меморандум про співпрацю з")
PARTNER_WORDS = 3  # units after that word where the partner's head stands ("with the local university")
KNOWN_PREFIX = 4  # first letters shared by two case forms of one city name ("Osijeka", "Osijekom")
DOCUMENT_DONE = {AgreementStatus.signed.value, AgreementStatus.existing.value}
# "the 10th anniversary of the twinning ... the twinning charter of 2004": one document, its anniversary
BACKGROUND_PAIR = {AgreementStatus.anniversary.value, AgreementStatus.existing.value}  # words between a status cue and the document it qualifies
# where two mentions of one document disagree, the status told by the stronger one is kept
STATUS_STRENGTH = {AgreementStatus.terminated.value: 4, AgreementStatus.signed.value: 3, AgreementStatus.anniversary.value: 2,
                   AgreementStatus.planned.value: 1, AgreementStatus.existing.value: 0}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _phrases(value: dict[AgreementType, list[str]]) -> dict[AgreementType, list[str]]:
    for phrases in value.values():
        for phrase in phrases:
            check_phrase(phrase)
    return value


class StatusCue(_Strict):
    status: AgreementStatus
    phrases: list[str]

    _check = field_validator("phrases")(lambda cls, v: [check_phrase(p) for p in v])


class AgreementRules(_Strict):
    documents: dict[AgreementType, list[str]]  # a named document; longest match wins
    relations: dict[AgreementType, list[str]] = {}  # a relation with no document: only with an act cue
    established: dict[AgreementType, list[str]] = {}  # an act that makes the relation ("стали побратимами")
    acts: list[str] = []  # signing, establishing, renewal, anniversary, plan: what makes a relation count
    status_cues: list[StatusCue] = []  # checked in order; the first status with a cue in the sentence wins
    party_cues: list[str] = []  # municipal words: a generic document between city governments
    strong: list[AgreementType] = [AgreementType.twinning_agreement]  # types that need no party cue
    partner_prepositions: list[str] = []  # "with": the cities after it are separate partners
    # a document's name in the singular: "signed an agreement with A and B" is one document of all three
    singular_documents: list[str] = []
    partner_pronouns: list[str] = []  # "with them": the partners are the cities the sentence before lists
    since: list[str] = []  # "since" before a year: "twinned since 1962", "Порвоо (Финляндия, с 1961 года)"
    twin_words: list[str] = []  # twin or partner towns: with "since YEAR", an existing twinning of that year
    # a council's decision or approval: it and the later signed document of the same pair are one item (GOLD.md)
    decisions: list[str] = []
    # partners that are no city (GOLD.md: agreements with a district, region, university or company are not listed)
    other_partners: list[str] = []
    # an anniversary of a relation with no document named ("45 years of partnership", "jubileusz 25-lecia
    # współpracy miast"): an anniversary of the cities' twinning (GOLD.md), kept only with two city parties
    anniversaries: list[str] = []
    years_of: list[str] = []  # the same after a number: "45 years of partnership" ("45" is checked in code)
    # "both cities", "the two towns": the parties are the two cities of this sentence and the one before
    both_cities: list[str] = []
    # "the city" as a sentence's subject ("miasto ma podpisać umowę z X"): the one city of the sentence before
    subject_anaphors: list[str] = []
    # bare contract words that also name service or employment contracts ("contract", "pogodba"): a document only
    # with two cities in its sentence or after an inter-city document (each phrase as written under documents)
    generic_documents: list[str] = []
    # "in" before a place: the venue of a signing ("podepsal v Písku s primátorem B memorandum") is no
    # party where two other cities sign
    venue_prepositions: list[str] = []
    # a past journey whose purpose was a signing ("fuhren nach B, um dort einen Vertrag zu unterzeichnen",
    # "приехал в B, чтобы подписать"): news tells it after the act, so the document is signed, not planned
    past_trips: list[str] = []
    purpose_markers: list[str] = []  # "чтобы подписать", "zu unterzeichnen": the purpose clause with its signing verb

    _documents = field_validator("documents", "relations", "established")(lambda cls, v: _phrases(v))
    _words = field_validator("acts", "party_cues", "partner_prepositions", "singular_documents", "partner_pronouns",
                             "since", "twin_words", "decisions", "other_partners",
                             "anniversaries", "years_of", "both_cities", "subject_anaphors",
                             "generic_documents", "past_trips", "purpose_markers")(lambda cls, v: [check_phrase(p) for p in v])


@dataclass
class Compiled:
    rules: AgreementRules
    names: Lexicon  # documents, relations and established acts, labelled "<group>:<type>"
    acts: Lexicon
    status: Lexicon
    party: Lexicon
    partners: Lexicon
    singular: Lexicon
    them: Lexicon
    since: Lexicon
    twins: Lexicon
    decisions: Lexicon
    others: Lexicon
    anniversaries: Lexicon
    years_of: Lexicon
    both: Lexicon
    anaphors: Lexicon
    trips: Lexicon
    purposes: Lexicon
    generic: frozenset[str] = frozenset()


def _compile(rules: AgreementRules) -> Compiled:
    names = [(f"{group}:{_value(t)}", p) for group in ("established", "documents", "relations")
             for t, phrases in getattr(rules, group).items() for p in phrases]
    return Compiled(
        rules=rules, names=Lexicon(names),
        acts=Lexicon([("act", p) for p in rules.acts]),
        status=Lexicon([(_value(c.status), p) for c in rules.status_cues for p in c.phrases]),
        party=Lexicon([("party", p) for p in rules.party_cues]),
        partners=Lexicon([("with", p) for p in rules.partner_prepositions]),
        singular=Lexicon([("one", p) for p in rules.singular_documents]),
        them=Lexicon([("them", p) for p in rules.partner_pronouns]),
        since=Lexicon([("since", p) for p in rules.since]),
        twins=Lexicon([("twin", p) for p in rules.twin_words]),
        decisions=Lexicon([("decision", p) for p in rules.decisions]),
        others=Lexicon([("other", p) for p in rules.other_partners]),
        anniversaries=Lexicon([("anniversary", p) for p in rules.anniversaries]),
        years_of=Lexicon([("years", p) for p in rules.years_of]),
        both=Lexicon([("both", p) for p in rules.both_cities]),
        anaphors=Lexicon([("subject", p) for p in rules.subject_anaphors]),
        trips=Lexicon([("trip", p) for p in rules.past_trips]),
        purposes=Lexicon([("purpose", p) for p in rules.purpose_markers]),
        generic=frozenset(rules.generic_documents),
    )


def compiled_for(language: str) -> Compiled | None:
    return load_compiled(STAGE, AgreementRules, language, _compile)


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str)


@dataclass
class Sighting:
    """One mention of an agreement in one sentence, before mentions are merged into items."""

    type: str
    status: str | None
    parties: list[int]
    date: str | None
    mention: Mention
    group: str
    decision: bool = False  # told in a sentence about a council's decision
    opens: bool = False  # the name opens its sentence, at most after one word ("Соглашение закрепляет", "The treaty")
    headline: bool = False  # told in the article's first line
    unknown_partner: bool = False  # made "with" a name that is no known city: no other city is guessed for it


@dataclass
class Draft:
    type: str
    status: str | None
    parties: list[int]
    date: str | None
    mentions: list[Mention] = field(default_factory=list)
    since_only: bool = False  # made only of "since YEAR" mentions: kept only with two parties
    decision_only: bool = False  # made only of mentions in sentences about a council's decision
    anniversary_only: bool = False  # made only of relation anniversaries ("45 years of partnership"): kept with two parties
    headline_status: bool = False  # its status was told only by the headline
    unknown_partner: bool = False  # every mention is "with" a name that is no known city


# --- per-sentence facts -------------------------------------------------------------------

def _by_segment(matches: list[Match], pieces) -> dict[int, list[Match]]:
    grouped: dict[int, list[Match]] = {}
    for m in matches:
        seg = segment_of(pieces, m.start)
        if seg is not None:
            grouped.setdefault(seg, []).append(m)
    return grouped


def _first_per_segment(matches: list[Match], pieces) -> dict[int, int]:
    """Sentence index -> the offset of the first of the matches in that sentence."""
    return {i: found[0].start for i, found in _by_segment(matches, pieces).items()}


def _city_mentions(cities: list[CityItem], officials: list[OfficialItem]) -> list[tuple[int, int]]:
    """(offset, geonames id) of every city mention and of every official whose city is known."""
    places = [(m.start, c.geonames_id) for c in cities for m in c.mentions]
    places += [(m.start, o.city_geonames_id) for o in officials if o.city_geonames_id for m in o.mentions]
    return sorted(places)


def _parties(places: list[tuple[int, int]], start: int, end: int) -> list[int]:
    seen: list[int] = []
    for offset, gid in places:
        if start <= offset < end and gid not in seen:
            seen.append(gid)
    return seen


def _party_groups(places, seg: tuple[int, int], partners: list[Match], host: int | None,
                  singular: bool, them: list[int], zone: tuple[int, int] | None = None,
                  subject: tuple[int, int] | None = None) -> list[list[int]]:
    """The party sets of a sentence: one per pair when a city is "with" several partners; "Соглашения
    подписаны с A, B, C и D", with no city before "with", pairs each partner with the host city. A document
    named in the singular with one "with" list ("подписал соглашение со Страсбургом и Келем") is one document
    of them all. "Dohody ... s nimi": the partners ``them`` are the cities of the sentence before. ``zone``: the
    clause of one of several documents that each have their own "with" ("umowę z A, a list intencyjny z B").
    ``subject``: (offset, city) of "the city" standing for the one city of the sentence before."""
    everyone = _parties(places, *seg)
    if them:
        before = everyone or ([host] if host is not None else [])
        after = [gid for gid in them if gid not in before]
        if len(before) == 1 and after:
            return [before + after] if singular else [[before[0], gid] for gid in after]
    with_at = [m.start for m in partners if seg[0] <= m.start < seg[1]]
    if not with_at or (len(everyone) < 2 and subject is None):
        return [everyone]
    first_with = with_at[0]
    before = _parties(places, seg[0], first_with)
    lo, hi = zone or seg
    own = [w for w in with_at if lo <= w < hi] or with_at
    after = [gid for gid in _parties(places, own[0], hi) if gid not in before]
    if zone:
        everyone = before + after
    if not before and after and subject is not None and subject[0] < first_with and subject[1] not in after:
        before = [subject[1]]
        everyone = before + after
    elif not before and host is not None:  # "з B угоду міський голова A уклав": the host's own signer is no partner
        before, after = [host], [gid for gid in after if gid != host]
    if singular and len(own) == 1:
        return [before + after]
    if not before and len(after) >= 2:
        return [[]]  # partners of a city not found: they are not each other's partners
    if len(before) != 1 or len(after) < 2:
        return [everyone]
    return [[before[0], gid] for gid in after]


def _zone(name: Match, names_here: list[Match], with_starts: list[int], seg: tuple[int, int]) -> tuple[int, int] | None:
    """"umowę z A, a list intencyjny z B": where the next document of the sentence has a "with" of its own, each
    document's partners stand between its name and the next name."""
    def has_with(lo: int, hi: int) -> bool:
        i = bisect.bisect_left(with_starts, lo)
        return i < len(with_starts) and with_starts[i] < hi
    prev = [n for n in names_here if n.end <= name.start]
    nxt = [n for n in names_here if n.start >= name.end]
    lo = name.start if prev and has_with(prev[-1].end, name.start) and has_with(name.end, seg[1]) else seg[0]
    hi = nxt[0].start if nxt and has_with(name.end, nxt[0].start) and has_with(nxt[0].end, seg[1]) else seg[1]
    return None if (lo, hi) == seg else (lo, hi)


def _subject(anaphor_at: dict[int, int], seg_index: int, pieces, places) -> tuple[int, int] | None:
    """"Kielce ... W czerwcu miasto ma zawrzeć umowę z X": "the city" is the one city of the sentence before."""
    if seg_index not in anaphor_at or seg_index == 0:
        return None
    found = _parties(places, *pieces[seg_index - 1])
    return (anaphor_at[seg_index], found[0]) if len(found) == 1 else None


def _unknown_partner(doc: AnnotatedDoc, name: Match, end: int, partners: list[Match], firsts: list[int], units,
                     places, known: set[str], municipal: set[int]) -> bool:
    """"umowę z Foobarem": the document's "with" is followed by a capitalised name and no city up to ``end``, and
    the name is no other case of a city found elsewhere (``known``: their first letters) and no municipal word
    (``municipal``: unit indexes; German "mit Städten" is capitalised): its partner is a place
    the cities stage does not know, so neither the host nor the article's other city is."""
    i = bisect.bisect_right(firsts, name.last)
    after = partners[i] if i < len(partners) and partners[i].start < end else None
    if after is None or after.first - name.last > PARTNER_GAP or after.last + 1 >= len(units):
        return False
    head = units[after.last + 1]
    word = doc.text[head.start:head.end]
    return head.start < end and word[:1].isupper() and word[:KNOWN_PREFIX].lower() not in known \
        and after.last + 1 not in municipal \
        and not _parties(places, after.end, end)


def _both_cities(places, pieces, seg_index: int, both_at: dict[int, int], groups: list[list[int]]) -> list[list[int]]:
    """"zawarli porozumienie o rozwoju obu miast": with fewer than two cities in the sentence, the
    two cities named before "both" (``both_at``: its first offset per sentence; in this sentence and the one
    before) are the parties; with any other number nothing is guessed."""
    if seg_index not in both_at or any(len(g) >= 2 for g in groups):
        return groups
    found = _parties(places, pieces[max(seg_index - 1, 0)][0], both_at[seg_index])
    return [found] if len(found) == 2 else groups


def _signatories_next(seg_index: int, pieces, staffed: set, places) -> bool:
    """"Договір ... урочисто підписали вчора. Підписи поставили міський голова A та віце-президент B": the sentence
    after a signing names officials of the cities that signed, and two cities between them."""
    after = seg_index + 1
    return after in staffed and len(_parties(places, pieces[seg_index][0], pieces[after][1])) >= 2


def _by_segment_places(officials: list[OfficialItem], pieces) -> dict[int, list[int]]:
    """Sentence index -> the cities of the officials named in it (in order, once each)."""
    found: dict[int, list[int]] = {}
    for o in officials:
        for m in o.mentions:
            seg = segment_of(pieces, m.start) if o.city_geonames_id else None
            if seg is not None and o.city_geonames_id not in found.setdefault(seg, []):
                found[seg].append(o.city_geonames_id)
    return found


def _with_signatories(groups: list[list[int]], places, pieces, seg_index: int,
                      staff_at: dict[int, list[int]]) -> list[list[int]]:
    """"Дагавор ... паміж A і нямецкім B-ам падпісаны. Подпісы паставілі старшыня A і бургамістр B": a signing whose
    sentence finds fewer than two cities takes the cities of the officials who sign in the next sentence, when
    together they are exactly two."""
    here = _parties(places, *pieces[seg_index])
    signers = [gid for gid in staff_at.get(seg_index + 1, []) if gid not in here]
    both = here + list(dict.fromkeys(signers))
    return [both] if signers and len(both) == 2 else groups


def _purpose_status(name: Match, cue: str, trips: list[Match] | None, purposes: list[Match] | None,
                    cues: list[Match] | None) -> str:
    """A purpose clause that leads to the document: after a journey told in the past ("reiste nach B, um dort ein
    Memorandum zu unterzeichnen", "pojechał do B, aby podpisać"; not after a future auxiliary: "bo odpotoval") the
    purpose was carried out: signed; with no such
    journey, a past form right after the marker is a conditional ("odcestuje do B, aby podepsal", "da bi potpisao"):
    planned."""
    near = [p for p in purposes or [] if abs(p.first - name.first) <= STATUS_WINDOW]
    if not near:
        return cue
    planned = [m for m in cues or [] if m.label == AgreementStatus.planned.value]
    past = [t for t in trips or [] if not any(0 <= t.first - m.last <= FUTURE_AUXILIARY for m in planned)]
    if any(t.last < p.first for t in past for p in near):
        return AgreementStatus.signed.value
    conditional = any(m.label == AgreementStatus.signed.value and p.first <= m.first <= p.last
                      for m in cues or [] for p in near)
    return AgreementStatus.planned.value if conditional else cue


def _documents_beside(names_here: list[Match], name: Match) -> bool:
    """Another name of the sentence is a document's ("dohody", "меморандум"): the sentence's act is about it."""
    return any(n is not name and n.label.startswith("documents:") for n in names_here)


def _with_no_city(name: Match, seg: tuple[int, int], partners: list[Match], firsts: list[int], others: set[int],
                  orgs: set[int], units, places) -> bool:
    """"підписав Меморандум про співпрацю з Європейським банком": the partner the document is made "with" is an
    organisation (a named one, or a bank, district, university) and no city follows it in the sentence."""
    i = bisect.bisect_right(firsts, name.last)
    after = partners[i] if i < len(partners) and partners[i].start < seg[1] else None
    if after is None or after.first - name.last > PARTNER_GAP or _parties(places, after.end, seg[1]):
        return False
    heads = range(after.last + 1, min(after.last + 1 + PARTNER_WORDS, len(units)))
    return any(i in others for i in heads) or (after.last + 1 < len(units) and units[after.last + 1].start in orgs)


def _generic_alone(c: Compiled, name: Match, in_sentence: list[int], accepted: set[str]) -> bool:
    """A bare generic contract word ("contracts", "pogodb") counts only where its sentence names two cities or the
    article has already told an inter-city document: else it is a service or employment contract."""
    return name.phrase in c.generic and not accepted and len(in_sentence) < 2


def _without_regions(places: list[tuple[int, int]], units, other_matches: list[Match]) -> list[tuple[int, int]]:
    """"з правінцыяй X", "with the province of X": a place named right after a region word is that region,
    no city party (the gazetteer may hold a town of the region's name)."""
    after_region = {units[m.last + 1].start for m in other_matches if m.last + 1 < len(units)}
    return [p for p in places if p[0] not in after_region]


def _venue_offsets(units, places, prepositions: list[str]) -> set[int]:
    """Offsets of the city mentions that follow a venue preposition ("v Písku", "in Bristol")."""
    if not prepositions:
        return set()
    starts = [u.start for u in units]
    words = {p.casefold() for p in prepositions}
    found = set()
    for offset, _ in places:
        i = bisect.bisect_left(starts, offset)
        if 0 < i < len(units) and starts[i] == offset and units[i - 1].surface.casefold() in words:
            found.add(offset)
    return found


def _without_venue(groups: list[list[int]], places, seg: tuple[int, int], venue_at: set[int]) -> list[list[int]]:
    """A city of three or more parties named only as the place of the act is no party, when two others remain."""
    if not venue_at or all(len(g) < 3 for g in groups):
        return groups
    named = {gid for offset, gid in places if seg[0] <= offset < seg[1] and offset not in venue_at}
    out = []
    for g in groups:
        kept = [gid for gid in g if gid in named]
        out.append(kept if len(g) >= 3 and len(kept) >= 2 else g)
    return out


def _states_only(in_sentence: list[int], capitals: set[int]) -> bool:
    """Every city of the sentence is a national capital ("Kijev in Moskva sta sklenila pogodbo"): with no municipal
    word beside them they stand for their states; a capital beside another city ("Subotica i Podgorica") stays."""
    return bool(in_sentence) and all(gid in capitals for gid in in_sentence)


def _unit_distance(a: Match, b: Match) -> int:
    return max(a.first - b.last, b.first - a.last, 0)


def _status_of(status_matches: list[Match], name: Match, order: dict[str, int]) -> str | None:
    """The status cue of the highest tier near the document's name (the nearest within a tier); with none
    near, the sentence's cue (a German verb stands at the end of a long clause)."""
    cues = status_matches
    near = [m for m in cues if _unit_distance(m, name) <= STATUS_WINDOW] or cues
    if not near:
        return None
    return min(near, key=lambda m: (order[m.phrase], _unit_distance(m, name))).label


def _nearest_date(dates: list[DateItem], seg: tuple[int, int], at: int, status: str | None) -> DateItem | None:
    if status == AgreementStatus.anniversary.value:
        allowed = {DateKind.historical.value}
    elif status == AgreementStatus.terminated.value:  # the date of ending is an event, not the agreement's date
        allowed = {DateKind.historical.value, DateKind.signing.value}
    else:
        allowed = {DateKind.signing.value, DateKind.published.value, DateKind.historical.value,
                   DateKind.event.value, DateKind.other.value}
    best = None
    for item in dates:
        if item.kind not in allowed:
            continue
        for m in item.mentions:
            if seg[0] <= m.start < seg[1]:
                distance = abs(m.start - at)
                if best is None or distance < best[0]:
                    best = (distance, item)
    return best[1] if best else None


def _since_anchors(doc: AnnotatedDoc, c: Compiled, units, pieces) -> dict[int, list[tuple[Match, str]]]:
    """The "since YEAR" phrases of each sentence about twin towns, with their years."""
    since = c.since.find(units)
    twin_segments = {segment_of(pieces, m.start) for m in c.twins.find(units)} if since else set()
    anchors: dict[int, list[tuple[Match, str]]] = {}
    for m in since:
        seg = segment_of(pieces, m.start)
        year = _YEAR_AFTER.match(doc.text, m.end)
        if seg in twin_segments and year:
            anchors.setdefault(seg, []).append((m, year.group(1)))
    return anchors


def _since_sightings(doc: AnnotatedDoc, anchors: dict[int, list[tuple[Match, str]]], pieces, places) -> list[Sighting]:
    """"Порвоо (Финляндия, с 1961 года), Аренсбург (Германия, с 1989-го)", "twinned since 1962": in a sentence
    about twin towns each "since YEAR" dates the twinning of the city named just before it (else just after)."""
    sightings = []
    for seg, found in anchors.items():
        bounds = [pieces[seg][0]] + [m.end for m, _ in found] + [pieces[seg][1]]
        named = [(_parties(places, bounds[i], m.start)[-1:] or _parties(places, m.end, bounds[i + 2])[:2])
                 for i, (m, _) in enumerate(found)]
        # "городов-побратимов у Вильянди: Порвоо (с 1961), ...": the one city no "since" belongs to owns the list
        others = [g for g in _parties(places, *pieces[seg]) if all(g not in n for n in named)]
        owner = others[0] if len(others) == 1 else None
        for (m, year), parties in zip(found, named):
            if not parties:
                continue
            if owner is not None and len(parties) == 1:
                parties = [owner] + parties
            end = _YEAR_AFTER.match(doc.text, m.end).end(1)
            mention = Mention(text=doc.text[m.start:end], start=m.start, end=end)
            sightings.append(Sighting(AgreementType.twinning_agreement.value, AgreementStatus.existing.value,
                                      parties, year, mention, "since"))
    return sightings


def _anniversaries(c: Compiled, units) -> list[Match]:
    """Anniversary phrases: "25-lecia współpracy", and "years of partnership" right after a number ("45 years")."""
    years = [m for m in c.years_of.find_longest(units) if m.first > 0 and units[m.first - 1].surface[-1:].isdigit()]
    return sorted(c.anniversaries.find_longest(units) + years, key=lambda m: m.start)


def _names_within(names: list[Match], firsts: list[int], m: Match) -> bool:
    """A document or relation named inside an anniversary phrase or right after it ("25 years of the partnership
    agreement"): that name carries the anniversary itself."""
    i = bisect.bisect_right(firsts, m.last + 1)
    return i > 0 and names[i - 1].last >= m.first


def _anniversary_sightings(doc: AnnotatedDoc, found: list[Match], names: list[Match], pieces, places, partners,
                           host: int | None, dates: list[DateItem], both_at: dict[int, int]) -> list[Sighting]:
    """"Gdańsk and Bremen celebrate 45 years of partnership": an anniversary of the cities' relation with no
    document named is an anniversary of their twinning (GOLD.md)."""
    firsts = [n.first for n in names]
    sightings = []
    for m in found:
        seg_index = segment_of(pieces, m.start)
        if seg_index is None or _names_within(names, firsts, m):
            continue
        seg = pieces[seg_index]
        when = _nearest_date(dates, seg, m.start, AgreementStatus.anniversary.value)
        mention = Mention(text=doc.text[m.start:m.end], start=m.start, end=m.end)
        groups = _both_cities(places, pieces, seg_index, both_at, _party_groups(places, seg, partners, host, False, []))
        for parties in groups:
            sightings.append(Sighting(AgreementType.twinning_agreement.value, AgreementStatus.anniversary.value,
                                      parties, when.value if when else None, mention, "anniversaries"))
    return sightings


# --- merging mentions into agreements -----------------------------------------------------

def _same_name(draft: Draft, s: Sighting) -> bool:
    """"podpisala program sodelovanja" ... "Programa sodelovanja": the same document named again by its full
    name, in any case, a zero ending too ("program" / "programu"; a bare "соглашения" may be another document:
    "намерены подписать подобные соглашения")."""
    name = s.mention.text.split()
    return len(name) >= 2 and any(same_stems(name, m.text.split()) for m in draft.mentions)


def _other_year(draft: Draft, s: Sighting) -> bool:
    """"podpisala sporazum o prijateljstvu ... kot leta 2005, ko sta sklenili sporazum o prijateljstvu": one name told
    with two different years, the earlier one background, is an earlier document and its renewal; a later year
    told with a plan ("the programme foresees a joint fair next April") is a step of the same document."""
    if not (draft.date and s.date) or draft.date[:4] == s.date[:4]:
        return False
    earlier = draft.status if draft.date < s.date else s.status
    return earlier == AgreementStatus.existing.value


def _anaphoric(draft: Draft, s: Sighting) -> bool:
    """"... подписали соглашение о побратимских отношениях. Соглашение закрепляет ...": a bare one-word name with
    no status cue of its own refers back to the document before it, whatever the type its word suggests."""
    if not s.opens or s.group != "documents" or s.status is not None or len(s.mention.text.split()) != 1:
        return False
    a, b = set(draft.parties), set(s.parties)
    return not b or b <= a


def _compatible(draft: Draft, s: Sighting) -> bool:
    if draft.type != s.type:
        return False
    if s.group == "since":  # each "since YEAR" in a list is its own pair's twinning
        return set(draft.parties) == set(s.parties) and draft.date in (None, s.date)
    statuses = {s.status, draft.status}
    if s.status and draft.status and len(statuses) > 1 and statuses != BACKGROUND_PAIR \
            and not (_same_name(draft, s) and not _other_year(draft, s)) and not draft.headline_status:  # the headline tells the article's document in short
        return False  # "подписали соглашение ... намерены подписать подобные соглашения": two documents
    a, b = set(draft.parties), set(s.parties)
    return not a or not b or a <= b or b <= a


def _merge(sightings: list[Sighting]) -> list[Draft]:
    drafts: list[Draft] = []
    for s in sightings:
        target = next((d for d in reversed(drafts) if _compatible(d, s)), None)
        if target is None and drafts and _anaphoric(drafts[-1], s):
            target = drafts[-1]
        if target is None:
            drafts.append(Draft(s.type, s.status, list(s.parties), s.date, [s.mention], s.group == "since",
                                s.decision, s.group == "anniversaries", s.headline, s.unknown_partner))
            continue
        target.unknown_partner = target.unknown_partner and s.unknown_partner
        target.since_only = target.since_only and s.group == "since"
        target.anniversary_only = target.anniversary_only and s.group == "anniversaries"
        target.decision_only = target.decision_only and s.decision
        _merge_status(target, s)
        target.parties += [p for p in s.parties if p not in target.parties]
        target.date = target.date or s.date
        if s.mention not in target.mentions:
            target.mentions.append(s.mention)
    return drafts


def _merge_status(target: Draft, s: Sighting) -> None:
    """The stronger status of two mentions; but a headline's present tense ("Sinj i Tolmin potpisuju
    sporazum", "Bristol and Hanover sign") yields to the tense the body tells the same document in."""
    if s.status is None:
        return
    if target.status is None or (target.headline_status and not s.headline):
        target.status, target.headline_status = s.status, s.headline
    elif s.headline == target.headline_status:
        target.status = max(target.status, s.status, key=STATUS_STRENGTH.get)


def _same_act(kept: Draft, draft: Draft) -> bool:
    """Once their parties are complete, two drafts tell one act: the same type, parties, date and status
    ("uzavře partnerskou smlouvu s městem B" ... "Podpis smlouvy navrhl starosta"), or a "since YEAR" of a pair
    whose document of that year the article names ("povelja o prijateljstvu 1989" ... "od 1989")."""
    if len(draft.parties) < 2:
        return False
    if draft.since_only and not kept.since_only:
        return set(draft.parties) == set(kept.parties) and (kept.date or "")[:4] == draft.date
    statuses = {kept.status, draft.status} - {None}
    return (kept.type == draft.type and set(kept.parties) == set(draft.parties)
            and (None in (kept.date, draft.date) or kept.date == draft.date)
            and (len(statuses) < 2 or statuses == BACKGROUND_PAIR))


def _merge_complete(drafts: list[Draft]) -> list[Draft]:
    kept: list[Draft] = []
    for draft in sorted(drafts, key=lambda d: d.since_only):  # documents first: a "since YEAR" joins one
        target = next((k for k in kept if _same_act(k, draft)), None)
        if target is None:
            kept.append(draft)
            continue
        target.mentions += [m for m in draft.mentions if m not in target.mentions]
        target.status = max([x for x in (target.status, draft.status) if x], key=STATUS_STRENGTH.get, default=None)
        target.date = target.date or draft.date
    return [d for d in drafts if any(d is k for k in kept)]


def _fold_decisions(drafts: list[Draft]) -> list[Draft]:
    """"The council decided to sign a treaty with A" ... "the treaty was signed": a not-yet-signed item told only in
    decision sentences joins the signed or existing document of the same parties (the document's type wins)."""
    kept: list[Draft] = []
    for draft in drafts:
        target = None
        if draft.decision_only and draft.status != AgreementStatus.signed.value and draft.parties:
            target = next((d for d in drafts if not d.decision_only and set(d.parties) == set(draft.parties)
                           and d.status in DOCUMENT_DONE), None)
        if target is None:
            kept.append(draft)
        else:
            target.mentions += [m for m in draft.mentions if m not in target.mentions]
    return kept


def _fold_anniversaries(drafts: list[Draft]) -> list[Draft]:
    """"A and B celebrate 20 years of partnership ... the partnership agreement signed in 2004": an anniversary of
    the relation is the anniversary of the earlier document of the same pair (one item, the document's type and
    date); a document signed in the reported event stays apart (a renewal at an anniversary is two items)."""
    kept: list[Draft] = []
    for draft in drafts:
        earlier = [d for d in drafts if not d.anniversary_only and set(d.parties) == set(draft.parties)
                   and d.status in BACKGROUND_PAIR] if draft.anniversary_only and len(draft.parties) >= 2 else []
        if not earlier:
            kept.append(draft)
            continue
        target = min(earlier, key=lambda d: d.date or "9999")
        target.status = AgreementStatus.anniversary.value
        target.mentions += [m for m in draft.mentions if m not in target.mentions]
    return kept


def _article_pair(cities: list[CityItem], drafts: list[Draft]) -> list[Draft]:
    """In an article about exactly two cities, a document whose sentence names fewer than two of them
    ("Miasta zapowiedziały ... umowę", "Jubiläum der Städtepartnerschaft") is between those two."""
    if len(cities) != 2:
        return drafts
    pair = [c.geonames_id for c in sorted(cities, key=lambda c: c.mentions[0].start if c.mentions else 0)]
    for draft in drafts:
        if len(draft.parties) < 2 and set(draft.parties) <= set(pair) and not draft.unknown_partner:
            draft.parties = [p for p in draft.parties] + [p for p in pair if p not in draft.parties]
    return drafts


def _host(doc: AnnotatedDoc, cities: list[CityItem], officials: list[OfficialItem], pieces,
          venue_at: set[int] = frozenset()) -> int | None:
    """The article's own city: one named in the lead (headline, dateline, first sentence), scored by a dateline
    ("Škofja Loka –", "BANJALUKA –"), the headline, the lead's venue ("sejem v Kamniku"), its officials and its
    mentions; None on a tie."""
    if not pieces:
        return None
    lead_end = pieces[min(LEAD_SEGMENTS, len(pieces)) - 1][1]
    staff: dict[int, int] = {}
    for o in officials:
        if o.city_geonames_id:
            staff[o.city_geonames_id] = staff.get(o.city_geonames_id, 0) + 1
    scores = []
    for c in cities:
        if not any(m.start < lead_end for m in c.mentions):
            continue
        dateline = any(_is_dateline(doc.text, pieces, m) for m in c.mentions)
        headline = any(m.start < pieces[0][1] for m in c.mentions)
        venue = any(m.start < lead_end and m.start in venue_at for m in c.mentions)
        scores.append((3 * dateline + 2 * (headline + venue) + staff.get(c.geonames_id, 0) + len(c.mentions),
                       c.geonames_id))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


def _has_headline(text: str, pieces) -> bool:
    """The first line is a headline: a line of its own with no final stop ("Osijek i Pula potpisuju memorandum")."""
    return bool(pieces) and text[pieces[0][1] - 1] not in ".!?…" and text[pieces[0][1]:pieces[0][1] + 1] in ("\n", "\r")


def _is_dateline(text: str, pieces, m: Mention) -> bool:
    """A place that opens a paragraph and is followed by a dash, comma or bracket: "МАХАЧКАЛА, 3 мая –"."""
    seg = segment_of(pieces, m.start)
    return seg is not None and pieces[seg][0] == m.start and bool(_DATELINE_TAIL.match(text, m.end))


def _main_partner(cities: list[CityItem], host: int) -> int | None:
    """The city the article names most after the host (at least twice, and more than any other)."""
    counts = sorted(((len(c.mentions), c.geonames_id) for c in cities if c.geonames_id != host), reverse=True)
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[0][0] == counts[1][0]):
        return None
    return counts[0][1]


def _with_host(drafts: list[Draft], cities: list[CityItem], host: int | None) -> list[Draft]:
    """"подписали меморандум с Люблином": the one partner a sentence names is the host city's partner; a
    document of the host alone ("Banjaluka i njegov kumanovski kolega") is with the article's main partner."""
    if host is None:
        return drafts
    partner = _main_partner(cities, host)
    for draft in drafts:
        if len(draft.parties) == 1 and draft.parties[0] != host:
            draft.parties = [host, draft.parties[0]]
        elif draft.parties in ([], [host]) and partner is not None and not draft.unknown_partner:
            draft.parties = [host, partner]
    return drafts


def _areas_of(doc: AnnotatedDoc, draft: Draft, area_matches: list[Match], pieces) -> list[str]:
    """The areas named in the sentences that mention the agreement (GOLD.md taxonomy order kept by first mention)."""
    where = {segment_of(pieces, m.start) for m in draft.mentions}
    found: list[str] = []
    for m in area_matches:
        if segment_of(pieces, m.start) in where and m.label not in found:
            found.append(m.label)
    return found


def _background(status: str | None, when: str | None, dates: list[DateItem]) -> str | None:
    """Signed long before the article's time is background: a historical date, or a full date more than
    a month before publication."""
    if status == AgreementStatus.signed.value and when:
        kind = next((d.kind for d in dates if d.value == when), None)
        published = next((d.value for d in dates if d.kind == DateKind.published.value), None)
        if kind == DateKind.historical.value or _days_before(when, published) > BACKGROUND_DAYS \
                or (len(when) < 10 and published and when[:4].isdigit() and when[:4] < published[:4]):  # "im Jahr 2004"
            return AgreementStatus.existing.value
    return status


def _established_status(group: str, status: str | None, when: str | None, dates: list[DateItem]) -> str | None:
    """"Побратимами A и B стали в 2012 году": an act that made the relation, told with an earlier date and no status
    cue, is background (existing), not the article's own event."""
    if status is None and group == "established" \
            and _background(AgreementStatus.signed.value, when, dates) == AgreementStatus.existing.value:
        return AgreementStatus.existing.value
    return _background(status, when, dates)


def _days_before(value: str, published: str | None) -> int:
    """Days from a full date to a full publication date (0 when either is not a full date)."""
    try:
        return (date.fromisoformat(published) - date.fromisoformat(value)).days if published else 0
    except ValueError:
        return 0


# --- the stage ----------------------------------------------------------------------------

def find_agreements(doc: AnnotatedDoc, cities: list[CityItem], officials: list[OfficialItem],
                    dates: list[DateItem]) -> list[AgreementItem]:
    c = compiled_for(doc.language)
    if c is None:
        return []
    units = doc_units(doc)
    pieces = segments(doc)
    names = c.names.find_longest(units)
    anniversaries = _anniversaries(c, units)
    since = _since_anchors(doc, c, units, pieces)
    if not (names or anniversaries or since):
        return []  # most news names no document, anniversary or "twinned since": no sighting can start
    acts = _by_segment(c.acts.find(units), pieces)
    status = _by_segment(c.status.find(units), pieces)
    party_matches = c.party.find(units)
    party = _by_segment(party_matches, pieces)
    municipal = {m.first for m in party_matches}  # "mit Städten": a municipal word, no unknown partner's name
    partners = sorted(c.partners.find(units), key=lambda m: m.first)
    partner_firsts = [m.first for m in partners]
    singular_at = {m.first for m in c.singular.find(units)}
    with_last = {m.last for m in partners}
    them_in = {segment_of(pieces, m.start) for m in c.them.find(units)}
    other_matches = c.others.find(units)
    places = _without_regions(_city_mentions(cities, officials), units, other_matches)
    status_order = {p: n for n, cue in enumerate(c.rules.status_cues) for p in cue.phrases}
    strong = {_value(t) for t in c.rules.strong}
    venue_at = _venue_offsets(units, places, c.rules.venue_prepositions)
    host = _host(doc, cities, officials, pieces, venue_at)
    capitals = {city.geonames_id for city in cities if is_capital(city.country_code, city.name)}
    decided = {segment_of(pieces, m.start) for m in c.decisions.find(units)}
    others = {m.first for m in other_matches}
    other_in = {segment_of(pieces, m.start) for m in other_matches}
    orgs = {e.start for e in doc.entities if e.label == "ORG"}
    staff_at = _by_segment_places(officials, pieces)
    staffed = set(staff_at)
    sightings: list[Sighting] = []
    accepted: set[str] = set()  # types already found: a later bare mention of one refers back to it
    purposes = _by_segment(c.purposes.find(units), pieces) if names else {}  # most news names no document
    trips = _by_segment(c.trips.find(units), pieces) if purposes else {}
    titled = _has_headline(doc.text, pieces)
    both_at = _first_per_segment(c.both.find(units), pieces)
    anaphor_at = _first_per_segment(c.anaphors.find(units), pieces)
    with_starts = [m.start for m in partners]
    names_in = _by_segment(names, pieces)
    known = {m.text[:KNOWN_PREFIX].lower() for city in cities for m in city.mentions}
    for seg_index, cues in status.items():  # "лист про наміри": a document's name is no status cue
        status[seg_index] = [m for m in cues if not any(n.first <= m.first <= n.last for n in names)]
    for name in names:
        seg_index = segment_of(pieces, name.start)
        if seg_index is None:
            continue
        seg = pieces[seg_index]
        in_sentence = _parties(places, *seg)
        group, kind = name.label.split(":", 1)
        jubilee = any(a.first <= name.last and name.first <= a.last + 1 for a in anniversaries)
        if group == "relations" and seg_index not in acts and not jubilee:
            continue  # "побратимство" alone is an attribute, not an agreement ("20 лет побратимства" is its anniversary)
        if group == "relations" and not jubilee and _documents_beside(names_in.get(seg_index, []), name):
            continue  # "the twin towns' envoys were to sign the accords": the act is the document's, the relation an attribute
        if name.last in with_last and not _parties(places, name.end, seg[1]):
            continue  # "partnerstwa z krajami": a partnership "with" no city
        if (seg_index in other_in and not in_sentence) \
                or _with_no_city(name, seg, partners, partner_firsts, others, orgs, units, places):
            continue  # "umowa między powiatem a powiatem", "меморандум з банком": not between cities
        them = _parties(places, *pieces[seg_index - 1]) if seg_index in them_in and seg_index > 0 else []
        if kind not in strong and kind not in accepted and group != "established" and seg_index not in party \
                and not (seg_index in acts and (len(set(in_sentence) | set(them)) >= 2 or accepted
                                                or _signatories_next(seg_index, pieces, staffed, places))):
            continue  # a generic document with neither a city government nor two cities and an act in its sentence
        if _generic_alone(c, name, in_sentence, accepted):
            continue  # "oddaja pogodb", "signing supply contracts": a bare contract word is no inter-city document
        if seg_index not in party and kind not in strong and _states_only(in_sentence, capitals):
            continue  # "London and Brussels reached an agreement": capitals standing for their states
        accepted.add(kind)
        singular = name.first in singular_at or name.last in singular_at  # "угоду про ...", "cooperation agreement"
        zone = _zone(name, names_in.get(seg_index, []), with_starts, seg)
        subject = _subject(anaphor_at, seg_index, pieces, places)
        groups = _both_cities(places, pieces, seg_index, both_at,
                              _party_groups(places, seg, partners, host, singular, them, zone, subject))
        cue = _status_of(status.get(seg_index, []), name, status_order)
        if jubilee:
            cue = AgreementStatus.anniversary.value  # "20 years of twinning": the relation's anniversary
        elif cue in (AgreementStatus.planned.value, AgreementStatus.signed.value):
            cue = _purpose_status(name, cue, trips.get(seg_index), purposes.get(seg_index), status.get(seg_index))
        if cue == AgreementStatus.signed.value and all(len(g) < 2 for g in groups):
            groups = _with_signatories(groups, places, pieces, seg_index, staff_at)
        when = _nearest_date(dates, seg, name.start, cue)
        mention = Mention(text=doc.text[name.start:name.end], start=name.start, end=name.end)
        opens = len(doc.text[seg[0]:name.start].split()) <= 1
        unknown = _unknown_partner(doc, name, zone[1] if zone else seg[1], partners, partner_firsts, units, places,
                                   known, municipal)
        groups = _without_venue(groups, places, seg, venue_at)
        for parties in groups:
            value = when.value if when else None
            sightings.append(Sighting(kind, _established_status(group, cue, value, dates), parties, value, mention, group,
                                      seg_index in decided, opens, seg_index == 0 and titled, unknown))
    sightings += _since_sightings(doc, since, pieces, places)
    sightings += _anniversary_sightings(doc, anniversaries, names, pieces, places, partners, host, dates, both_at)
    drafts = _with_host(_article_pair(cities, _merge(sightings)), cities, host)
    drafts = _merge_complete(_fold_anniversaries(_fold_decisions(drafts)))
    area_rules = areas_compiled_for(doc.language) if drafts else None
    area_matches = area_rules.areas.find_longest(units) if area_rules else []
    return [
        AgreementItem(type=d.type, status=d.status or AgreementStatus.existing.value, city_geonames_ids=d.parties,
                      date=d.date, areas=_areas_of(doc, d, area_matches, pieces), mentions=d.mentions)
        for d in drafts if not ((d.since_only or d.anniversary_only) and len(d.parties) < 2) and not _count_only(d)
    ]


def _count_only(draft: Draft) -> bool:
    """"X has 12 partnership agreements to its name": a background document of one city whose partner no sentence
    names (none found, none unknown) is a count of the city's agreements, not an agreement (GOLD.md)."""
    return draft.status in (None, AgreementStatus.existing.value) and len(draft.parties) == 1 and not draft.unknown_partner
