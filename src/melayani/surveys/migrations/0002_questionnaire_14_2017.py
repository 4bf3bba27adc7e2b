"""Seed the default SKM questionnaire: PermenPANRB 14/2017 (nine unsur, four bands).

The data is copied literally (migrations never import app code); ``surveys/instrument.py`` holds
the same values for the command line.
"""

from decimal import Decimal

from django.db import migrations

ITEMS = [{'code': 'U1',
  'identifier': 'requirements',
  'name_id': 'Persyaratan',
  'name_en': 'Requirements',
  'labels_id': ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
  'labels_en': ['Not appropriate', 'Less appropriate', 'Appropriate', 'Very appropriate']},
 {'code': 'U2',
  'identifier': 'procedure',
  'name_id': 'Sistem, mekanisme, dan prosedur',
  'name_en': 'Systems, mechanisms and procedures',
  'labels_id': ['Tidak mudah', 'Kurang mudah', 'Mudah', 'Sangat mudah'],
  'labels_en': ['Not easy', 'Less easy', 'Easy', 'Very easy']},
 {'code': 'U3',
  'identifier': 'completion_time',
  'name_id': 'Waktu penyelesaian',
  'name_en': 'Completion time',
  'labels_id': ['Tidak cepat', 'Kurang cepat', 'Cepat', 'Sangat cepat'],
  'labels_en': ['Not fast', 'Less fast', 'Fast', 'Very fast']},
 {'code': 'U4',
  'identifier': 'fee',
  'name_id': 'Biaya/tarif',
  'name_en': 'Fee/tariff',
  'labels_id': ['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis'],
  'labels_en': ['Very expensive', 'Fairly expensive', 'Cheap', 'Free']},
 {'code': 'U5',
  'identifier': 'product',
  'name_id': 'Produk spesifikasi jenis pelayanan',
  'name_en': 'Product specification of the service',
  'labels_id': ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
  'labels_en': ['Not as specified',
                'Partly as specified',
                'As specified',
                'Fully as specified']},
 {'code': 'U6',
  'identifier': 'staff_competence',
  'name_id': 'Kompetensi pelaksana',
  'name_en': 'Competence of the staff',
  'labels_id': ['Tidak kompeten', 'Kurang kompeten', 'Kompeten', 'Sangat kompeten'],
  'labels_en': ['Not competent', 'Less competent', 'Competent', 'Very competent']},
 {'code': 'U7',
  'identifier': 'staff_behaviour',
  'name_id': 'Perilaku pelaksana',
  'name_en': 'Behaviour of the staff',
  'labels_id': ['Tidak sopan dan ramah',
                'Kurang sopan dan ramah',
                'Sopan dan ramah',
                'Sangat sopan dan ramah'],
  'labels_en': ['Not polite and friendly',
                'Less polite and friendly',
                'Polite and friendly',
                'Very polite and friendly']},
 {'code': 'U8',
  'identifier': 'facilities',
  'name_id': 'Sarana dan prasarana',
  'name_en': 'Facilities and infrastructure',
  'labels_id': ['Buruk', 'Cukup', 'Baik', 'Sangat baik'],
  'labels_en': ['Poor', 'Fair', 'Good', 'Very good']},
 {'code': 'U9',
  'identifier': 'complaint_handling',
  'name_id': 'Penanganan pengaduan, saran dan masukan',
  'name_en': 'Handling of complaints, suggestions and feedback',
  'labels_id': ['Tidak ada',
                'Ada tetapi tidak berfungsi',
                'Berfungsi kurang maksimal',
                'Dikelola dengan baik'],
  'labels_en': ['None', 'Exists but does not work', 'Works but not fully', 'Well managed']}]

BANDS = [{'mutu': 'A', 'min_ikm': '88.31', 'kinerja': 'Sangat Baik', 'kinerja_en': 'Very good'},
 {'mutu': 'B', 'min_ikm': '76.61', 'kinerja': 'Baik', 'kinerja_en': 'Good'},
 {'mutu': 'C', 'min_ikm': '65.00', 'kinerja': 'Kurang Baik', 'kinerja_en': 'Less than good'},
 {'mutu': 'D', 'min_ikm': '0', 'kinerja': 'Tidak Baik', 'kinerja_en': 'Not good'}]


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    questionnaire, created = Questionnaire.objects.get_or_create(
        code="permenpanrb-14-2017",
        version=1,
        defaults={
            "title": "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)",
            "legal_basis": "Peraturan Menteri PANRB Nomor 14 Tahun 2017",
            "is_default": True,
        },
    )
    if not created:
        return
    for order, item in enumerate(ITEMS, start=1):
        questionnaire.items.create(order=order, **item)
    for band in BANDS:
        questionnaire.bands.create(**{**band, "min_ikm": Decimal(band["min_ikm"])})


def unseed(apps, schema_editor):
    apps.get_model("surveys", "Questionnaire").objects.filter(
        code="permenpanrb-14-2017", version=1
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_skm_core")]

    operations = [migrations.RunPython(seed, unseed)]
