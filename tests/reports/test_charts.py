"""The charts: charts.py places the bars and picks the numbers, the Jinja macros draw them."""

from flask import render_template_string

from intake.reports.charts import HATCHED, SOLID, Series, bar_chart, column_chart


def draw(macro, chart):
    return render_template_string(
        f'{{% from "supervision/_charts.html" import {macro} %}}{{{{ {macro}(chart) }}}}',
        chart=chart,
    )


def test_two_series_differ_by_pattern_and_every_column_prints_its_number():
    chart = column_chart(
        "flow", "Tiếp nhận và trả lời", ["01/26", "02/26"],
        [Series("Tiếp nhận", [3, 5]), Series("Đã trả lời", [2, None])],
    )  # fmt: skip
    columns = [c for slot in chart.slots for c in slot.columns]
    assert [(c.pattern, c.value) for c in columns] == [(SOLID, "3"), (HATCHED, "2"), (SOLID, "5")]
    assert [e.name for e in chart.legend] == ["Tiếp nhận", "Đã trả lời"]
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6", "8"]  # a round top above 5
    tallest = max(columns, key=lambda c: c.height)
    assert tallest.y + tallest.height == chart.baseline  # columns stand on the axis


def test_the_macro_draws_the_chart_with_a_title_and_escapes_labels(app):
    chart = column_chart("c", "Số <phản ánh>", ["A&B"], [Series("X", [1]), Series("Y", [1])])
    with app.test_request_context():
        svg = draw("column_chart", chart)
    assert svg.startswith('<svg class="chart" viewBox="0 0 620 300" role="img"')
    assert '<title id="c-svg-title">Số &lt;phản ánh&gt;</title>' in svg
    assert 'fill="url(#c-hatch)"' in svg and '<pattern id="c-hatch"' in svg
    assert "<title>Y · A&amp;B: 1</title>" in svg and ">A&amp;B</text>" in svg


def test_a_long_bar_label_is_shortened_but_kept_whole_in_its_tooltip(app):
    name = "Ủy ban nhân dân huyện Châu Thành, tỉnh Sóc Trăng (bộ phận một cửa)"
    chart = bar_chart("u", "Quá hạn", [(name, 4), ("Sở Tư pháp", 2)])
    assert [b.value for b in chart.bars] == ["4", "2"]
    assert chart.bars[0].width == 2 * chart.bars[1].width
    with app.test_request_context():
        svg = draw("bar_chart", chart)
    assert f"<title>{name}</title>{name[:42]}…</text>" in svg
    assert ">4</text>" in svg and ">2</text>" in svg
