"""The application's services, built once from its settings and shared by every handler."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from server.access.accounts import Accounts
from server.access.admission import Admission
from server.access.codes import JoinCodes
from server.access.devices import KnownDevices
from server.access.limits import CodeLimits, Counters, SignInLimits, storage_for
from server.access.tokens import TokenSigner, load_secret_key
from server.audit import Audit
from server.cases import Cases
from server.fanout import Fanout, fanout_for
from server.metrics import Metrics
from server.records.endings import Endings
from server.records.service import Records
from server.records.writer import RecordWriter
from server.settings import Settings
from server.store import Store, store_for
from server.sync.rooms import Rooms
from shared_schema import board_schema


@dataclass
class Services:
    """Everything a request handler may need, built once per application."""

    settings: Settings
    store: Store
    rooms: Rooms
    signer: TokenSigner
    metrics: Metrics
    accounts: Accounts
    cases: Cases
    codes: JoinCodes
    audit: Audit
    admission: Admission
    sign_in_limits: SignInLimits
    code_limits: CodeLimits
    devices: KnownDevices
    records: Records
    endings: Endings
    record_writer: RecordWriter
    fanout: Fanout


def build_services(settings: Settings) -> Services:
    store = store_for(settings, serving=True)
    fanout = fanout_for(settings.redis_url)
    metrics = Metrics()
    audit = Audit(store)
    accounts = Accounts(store)
    cases = Cases(store)
    secret_key = load_secret_key(settings.data_dir, settings.secret_key)
    signer = TokenSigner(secret_key)
    counters = Counters(storage_for(settings.redis_url))
    records = Records(store, secret_key)
    endings = Endings(store)
    return Services(
        settings=settings,
        store=store,
        rooms=Rooms(store, board_schema(), settings, metrics, audit, fanout),
        signer=signer,
        metrics=metrics,
        accounts=accounts,
        cases=cases,
        codes=JoinCodes(store),
        audit=audit,
        admission=Admission(store, signer, accounts, cases),
        sign_in_limits=SignInLimits(counters),
        code_limits=CodeLimits(counters),
        devices=KnownDevices(secret_key),
        records=records,
        endings=endings,
        record_writer=RecordWriter(endings, records, audit, settings.record_render_seconds),
        fanout=fanout,
    )


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services
