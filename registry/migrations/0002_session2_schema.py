from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=12)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A bearer token for the JSON API: only its sha256 is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClauseCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('clause', fields.ForeignKeyField('models.Clause', source_field='clause_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(max_length=60)),
                ('stance', fields.CharField(max_length=20)),
                ('attributes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.TextField(unique=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'clause_correction', 'app': 'models', 'pk_attr': 'id', 'table_description': "An officer's correction of a clause's label, stance or attributes (the clause stays)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DistrictPack',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='packs', on_delete=OnDelete.CASCADE)),
                ('pack_id', fields.CharField(max_length=100)),
                ('source', fields.TextField(unique=False)),
                ('is_enabled', fields.BooleanField(default=True)),
                ('version', fields.IntField(default=1)),
                ('updated_by', fields.ForeignKeyField('models.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name='pack_edits', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'district_pack', 'app': 'models', 'unique_together': (('district', 'pack_id'),), 'pk_attr': 'id', 'table_description': "A district's own rule pack (YAML source), extending shipped packs."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('message', fields.TextField(unique=False)),
                ('link', fields.CharField(default='', max_length=500)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notification', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A message to one user in one district (e.g. their request was decided).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Agreement',
            name='replaces',
            field=fields.ForeignKeyField('models.Agreement', source_field='replaces_id', null=True, db_constraint=True, to_field='id', related_name='replaced_by', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='App',
            name='subprocessors',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='AppRequest',
            name='decided_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AppRequest',
            name='decision_note',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='AppStatusRecord',
            name='alternative',
            field=fields.ForeignKeyField('models.App', source_field='alternative_id', null=True, db_constraint=True, to_field='id', related_name='suggested_for', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='AppStatusRecord',
            name='decided_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AppStatusRecord',
            name='denial_reason',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Clause',
            name='boxes',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Clause',
            name='section',
            field=fields.CharField(default='', max_length=300),
        ),
        ops.AddField(
            model_name='District',
            name='enabled_packs',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='District',
            name='privacy_contact',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='District',
            name='website',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Extraction',
            name='ocr_pages',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Extraction',
            name='page_sizes',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Extraction',
            name='sections',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
