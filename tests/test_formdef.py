import calendar
import json
from datetime import date

from jianwang_desktop.core.formdef import load_form, parse_form
from jianwang_desktop.core.resources import resource_path



def notice_text() -> str:
    from conftest import ROOT

    # A copy of the notice (川版权〔2015〕5号) is kept in docs/ so the check needs nothing else.
    return (ROOT / "docs" / "notice-chuan-banquan-2015-5.txt").read_text("utf-8")


def test_campaign_months_and_due_dates():
    form = load_form("剑网2015")
    assert form.periods == ("2015-07", "2015-08", "2015-09", "2015-10", "2015-11")
    for month in form.months:
        last_day = calendar.monthrange(month.year, month.month)[1]
        assert month.due == date(month.year, month.month, min(30, last_day))
    deadlines = {d.key: d.due for d in form.deadlines}
    assert deadlines == {"work_plan": date(2015, 7, 20), "summary": date(2015, 11, 25)}


def test_categories_and_measures():
    form = load_form("剑网2015")
    assert form.categories == ("文学", "音乐", "影视", "游戏", "软件", "其他")
    assert form.measure_keys == ("filed", "closed", "fine", "transferred", "involved",
                                 "sites_closed", "servers")
    assert [m.key for m in form.measures if m.is_amount] == ["fine", "involved"]
    assert {m.unit for m in form.measures if m.is_amount} == {"万元"}


def test_headings_and_notes_are_the_notice_words():
    form = load_form("剑网2015")
    text = notice_text().replace("\xa0", " ")
    flat = "".join(text.split())
    for measure in form.measures:
        for word in measure.heading.split("\n"):
            assert "".join(word.split()) in flat, word
        if measure.group:
            assert measure.group in text
    for printed in (form.statistics_form, form.cases_form):
        placeholder = dict.fromkeys(("copyright", "police", "cyberspace"), "EMAIL")
        for note in printed.notes_text(placeholder):
            # The notice hides e-mail addresses; every other character is as printed.
            for piece in note.split("EMAIL"):
                assert "".join(piece.split()) in flat, piece
        for footer in printed.footer:
            assert footer in text
    for column in form.case_columns:
        assert column.heading in text
    assert form.cases_form.title.strip("“") in text
    assert form.statistics_form.title.strip("“") in text


def test_sources_are_editable_choices_with_the_required_defaults():
    form = load_form("剑网2015")
    assert form.sources == ("上级交办", "权利人投诉", "群众举报", "自行巡查发现", "部门移送", "其他")


def test_a_new_campaign_is_a_new_file_not_new_code():
    data = json.loads(resource_path("forms", "jianwang2015.json").read_text("utf-8"))
    data["campaign"] = "剑网2016"
    data["months"] = [{"period": "2016-07", "due": "2016-07-30"}]
    data["categories"] = data["categories"] + ["新闻"]
    form = parse_form(data)
    assert form.campaign == "剑网2016"
    assert "新闻" in form.categories
    assert form.current_month(date(2016, 7, 1)).period == "2016-07"


def test_notes_name_an_address_only_when_the_office_has_one():
    form = load_form("剑网2015")
    [bare] = form.statistics_form.notes_text()
    assert "邮箱" not in bare and "电话:028-86697093。各市(州)" in bare
    [with_address] = form.statistics_form.notes_text({"copyright": "bqc@example.gov.cn"})
    assert "电话:028-86697093,邮箱:bqc@example.gov.cn。" in with_address
