from django.db import migrations, models
from django.db.models import Q


def fill_akun(apps, schema_editor):
    schema_editor.execute(
        "UPDATE budgeting_rkaline SET akun = "
        "(SELECT CAST(SUBSTR(a.code, 1, 1) AS INTEGER) FROM masterdata_account a WHERE a.id = budgeting_rkaline.account_id)"
    )


class Migration(migrations.Migration):
    dependencies = [("budgeting", "0002_amendments_and_cash_plan_groups"), ("masterdata", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="rkaline",
            name="akun",
            field=models.PositiveSmallIntegerField(
                choices=[(4, "Pendapatan"), (5, "Belanja"), (6, "Pembiayaan")], editable=False, null=True, verbose_name="akun"
            ),
        ),
        migrations.RunPython(fill_akun, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="rkaline",
            name="akun",
            field=models.PositiveSmallIntegerField(
                choices=[(4, "Pendapatan"), (5, "Belanja"), (6, "Pembiayaan")], editable=False, verbose_name="akun"
            ),
        ),
        migrations.AddIndex(
            model_name="rkaline",
            index=models.Index(fields=["rka"], include=["id", "akun", "sub_kegiatan", "amount"], name="rka_line_sums"),
        ),
        migrations.AddConstraint(
            model_name="rkaline",
            constraint=models.CheckConstraint(
                condition=Q(akun=5, sub_kegiatan__isnull=False) | Q(akun__in=[4, 6], sub_kegiatan__isnull=True),
                name="rka_line_akun_matches_sub_kegiatan",
            ),
        ),
    ]
