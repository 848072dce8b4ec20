"""Reference data: the 17 UN Sustainable Development Goals, in Bokmål and English."""

from django.db import migrations

SDGS = [
    (1, "Utrydde fattigdom", "No poverty"),
    (2, "Utrydde sult", "Zero hunger"),
    (3, "God helse og livskvalitet", "Good health and well-being"),
    (4, "God utdanning", "Quality education"),
    (5, "Likestilling mellom kjønnene", "Gender equality"),
    (6, "Rent vann og gode sanitærforhold", "Clean water and sanitation"),
    (7, "Ren energi til alle", "Affordable and clean energy"),
    (8, "Anstendig arbeid og økonomisk vekst", "Decent work and economic growth"),
    (9, "Industri, innovasjon og infrastruktur", "Industry, innovation and infrastructure"),
    (10, "Mindre ulikhet", "Reduced inequalities"),
    (11, "Bærekraftige byer og lokalsamfunn", "Sustainable cities and communities"),
    (12, "Ansvarlig forbruk og produksjon", "Responsible consumption and production"),
    (13, "Stoppe klimaendringene", "Climate action"),
    (14, "Livet i havet", "Life below water"),
    (15, "Livet på land", "Life on land"),
    (16, "Fred, rettferdighet og velfungerende institusjoner",
     "Peace, justice and strong institutions"),
    (17, "Samarbeid for å nå målene", "Partnerships for the goals"),
]


def add_sdgs(apps, schema_editor):
    SDG = apps.get_model("strategies", "SustainableDevelopmentGoal")
    for number, name_nb, name_en in SDGS:
        SDG.objects.update_or_create(
            number=number, defaults={"name_nb": name_nb, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("strategies", "0001_initial")]

    operations = [migrations.RunPython(add_sdgs, migrations.RunPython.noop)]
