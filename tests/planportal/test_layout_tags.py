"""``{% tablescroll %}``: a data table in its own named, keyboard-reachable scroll box."""

from __future__ import annotations

from django.template import Context, Template


def render(source: str, **context: object) -> str:
    return Template("{% load layout_tags %}" + source).render(Context(context))


def test_the_table_is_wrapped_in_a_focusable_region_named_by_its_caption():
    html = render("{% tablescroll %}<table><caption class='x'>Tiltak i <b>Rendalen</b> &amp; "
                  "Åsnes</caption></table>{% endtablescroll %}")
    assert html.startswith('<div class="table-scroll" tabindex="0" role="region" '
                           'aria-label="Tiltak i Rendalen &amp; Åsnes"><table>')
    assert html.endswith("</table></div>")


def test_a_label_given_names_the_region_instead():
    html = render("{% tablescroll label %}<table><caption>Tabell</caption></table>"
                  "{% endtablescroll %}", label="Frister <i>")
    assert 'aria-label="Frister &lt;i&gt;"' in html


def test_in_the_pdf_the_table_stands_alone():
    source = "{% tablescroll %}<table><caption>A</caption></table>{% endtablescroll %}"
    assert render(source, medium="pdf") == "<table><caption>A</caption></table>"


def test_a_table_without_a_name_still_scrolls_with_the_keyboard_but_is_no_region():
    html = render("{% tablescroll %}<table></table>{% endtablescroll %}")
    assert html == '<div class="table-scroll" tabindex="0"><table></table></div>'
