# Fewer indexes for every submission to write (no data changes, no table rewrite):
# - pemda and opd lead the composite indexes application_queue and application_opd_status,
#   and nobody searches applications by desa, so those foreign keys drop their own index;
# - the tracking code and the NIK blind index are matched exactly, never with LIKE, so their
#   PostgreSQL *_like twins go: the code's uniqueness becomes a named constraint (one b-tree),
#   the NIK index a plain b-tree.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0002_request_description_and_location'),
        ('catalog', '0001_service_catalogue'),
        ('core', '0003_idempotency_keys'),
        ('regions', '0001_regions_versions_successions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='applicant_nik_index',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='application',
            name='applicant_region',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='desa/kelurahan'),
        ),
        migrations.AlterField(
            model_name='application',
            name='opd',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='core.opd', verbose_name='unit'),
        ),
        migrations.AlterField(
            model_name='application',
            name='pemda',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='core.pemda', verbose_name='Pemda'),
        ),
        migrations.AlterField(
            model_name='application',
            name='tracking_code',
            field=models.CharField(max_length=16, verbose_name='tracking code'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['applicant_nik_index'], name='application_nik_index'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(fields=('tracking_code',), name='application_tracking_code'),
        ),
    ]
