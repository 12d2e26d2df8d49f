"""Page furniture (rules/<lang>/furniture.yaml) is blanked before every rule stage: GOLD.md counts
nothing from related-news lists, comments or tags, whichever stage would read it."""
from __future__ import annotations

from pipeline.run.extract import extract_article
from pipeline.stages.furniture import furniture_spans, without_furniture
from pipeline.types import AnnotatedDoc, Entity, Span, Token

BODY = ("Міський голова Житомира Олег Тимченко і мер Кракова Андрій Мельничук підписали меморандум "
        "про співпрацю в галузі культури.")


def _record(text: str) -> dict:
    outcome = extract_article(_article(text))
    assert outcome.record is not None, outcome.error
    return outcome.record.model_dump(mode="json")


def _article(text: str):
    from pipeline.types import RawArticle
    return RawArticle(id="furniture", source="test", text=text, published="2024-05-14")


def test_a_labelled_line_and_a_label_block_are_furniture():
    text = "Текст.\nЧитайте також: Вінниця отримала автобуси\nТекст далі.\n\nСхожі новини\nРядок один\nРядок два\n\nКінець."
    spans = furniture_spans(text, "uk")
    assert [text[s:e] for s, e in spans] == ["Читайте також: Вінниця отримала автобуси", "Схожі новини\nРядок один\nРядок два"]
    assert furniture_spans("Теги подібні до цих рідкісні в тексті.", "uk") == []  # a sentence, not a label


def test_blanking_keeps_offsets_lines_and_drops_what_stood_there():
    text = "Мер Львова.\nТеги: Вінниця\nКінець."
    doc = AnnotatedDoc(text=text, language="uk", model="test",
                       tokens=[Token("Мер", 0, 3, "мер"), Token("Вінниця", 18, 25, "вінниця", sent=1)],
                       sentences=[Span(0, 11), Span(12, 25), Span(26, 33)],
                       entities=[Entity("Вінниця", 18, 25, "LOC")])
    blanked = without_furniture(doc)
    assert len(blanked.text) == len(text) and blanked.text.count("\n") == 2
    assert "Вінниця" not in blanked.text and blanked.text.startswith("Мер Львова.") and blanked.text.endswith("Кінець.")
    assert [t.text for t in blanked.tokens] == ["Мер"] and blanked.entities == []
    assert doc.text == text  # the annotation itself is left as it was


def test_no_stage_reads_an_inline_furniture_line():
    inline = "Читайте також: Мер Вінниці Петро Савчук у 2023 році відкрив стадіон у Полтаві"
    record = _record(f"{BODY}\n{inline}\nСторони домовилися обмінюватися досвідом.")
    assert sorted(c["name"] for c in record["cities"]) == ["Kraków", "Zhytomyr"]
    assert sorted(o["name"] for o in record["officials"]) == ["Андрій Мельничук", "Олег Тимченко"]
    assert all(d["value"] != "2023" for d in record["dates"]) and "sport" not in {a["area"] for a in record["areas"]}
    start = record["text"].index("Житомира")
    assert any(m["start"] == start for c in record["cities"] for m in c["mentions"])  # offsets into the text as given


def test_a_label_alone_takes_its_block():
    tail = "Коментарі\nГість: а в Полтаві мер Василь Гордієнко обіцяв те саме у 2021 році"
    record = _record(f"{BODY}\n\n{tail}")
    assert sorted(c["name"] for c in record["cities"]) == ["Kraków", "Zhytomyr"]
    assert "Василь Гордієнко" not in {o["name"] for o in record["officials"]}
    assert all(d["value"] != "2021" for d in record["dates"])
