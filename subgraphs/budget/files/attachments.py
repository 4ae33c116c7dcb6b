"""Documents attached to transactions and accounts: receipts, invoices, statements. No GraphQL here.

A document's type is read from its content (magic bytes through ``filetype``; plain-text CSV and OFX statements
through the importers' own detection), never taken from the name or type the client claims; anything else, an
empty file or one over ``ATTACHMENT_MAX_BYTES`` is refused before anything is stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.storage import ObjectStore
from fincloud.uploads import describe_size
from subgraphs.budget.files.models import Attachment, ObjectDeletion
from subgraphs.budget.files.objects import attachment_key
from subgraphs.budget.importers.format_csv import CsvImporter
from subgraphs.budget.importers.format_ofx import OfxImporter
from subgraphs.budget.models import Account, Transaction

__all__ = [
    "ACCEPTED_LABEL",
    "ACCEPTED_TYPES",
    "MAX_PER_OWNER",
    "AttachmentError",
    "AttachmentNotFoundError",
    "Owner",
    "OwnerNotFoundError",
    "add_attachment",
    "attachment_owner",
    "delete_attachment",
    "detect_type",
    "remove_objects_now",
    "too_large",
]

logger = logging.getLogger(__name__)

ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/webp": ("webp",),
    "image/heic": ("heic",),
    "image/heif": ("heif", "heic"),
    "text/csv": ("csv", "txt"),
    "application/x-ofx": ("ofx", "qfx"),
}
"""What may be attached, by the type found in the content, with the file name extensions that type may have."""

ACCEPTED_LABEL = "PDF, PNG, JPEG, WebP or HEIC documents, or CSV and OFX statements"
MAX_PER_OWNER = 50
"""Most documents on one transaction or one account."""
FILENAME_LIMIT = 200
_SAMPLE = 64 * 1024


class AttachmentError(ValueError):
    """A document that cannot be attached; ``field`` names the input field."""

    def __init__(self, message: str, *, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


class OwnerNotFoundError(LookupError):
    """No such transaction or account among the households the caller may change."""

    def __init__(self, field: str) -> None:
        super().__init__(f"no such {'transaction' if field == 'transactionId' else 'account'}")
        self.field = field


class AttachmentNotFoundError(LookupError):
    """No such attachment among the households the caller may change."""


def too_large(max_bytes: int) -> AttachmentError:
    return AttachmentError(f"the file is larger than {describe_size(max_bytes)}, the most a document may be")


def _plain_text(sample: bytes) -> bool:
    """UTF-8, UTF-16 (with a BOM) or cp1252 text without control characters other than tab and line ends."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", errors="replace")
    else:
        try:
            text = sample.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if len(sample) == _SAMPLE and exc.start >= len(sample) - 3:  # the sample ends inside a character
                text = sample[: exc.start].decode("utf-8-sig", errors="replace")
            else:
                text = sample.decode("cp1252", errors="replace")
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text)


def detect_type(data: bytes) -> str | None:
    """The accepted type the content is, or ``None``."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime if kind.mime in ACCEPTED_TYPES else None
    sample = data[:_SAMPLE]
    if not _plain_text(sample):
        return None
    if OfxImporter().detect(sample, filename=None) >= 0.9:
        return "application/x-ofx"
    if CsvImporter().detect(sample, filename=None) >= 0.5:
        return "text/csv"
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """The file's own name (no folders, no control characters, at most 200 characters) ending in an extension of
    the type found in its content: ``IMG_0042.HEIC``, ``scan.pdf``, but ``invoice.exe`` that is a PNG becomes
    ``invoice.exe.png``."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = " ".join(base.split()).strip(" .") or "document"
    extensions = ACCEPTED_TYPES[content_type]
    stem, dot, suffix = base.rpartition(".")
    if not dot or suffix.lower() not in extensions:
        stem, suffix = base, extensions[0]
    return f"{stem[: FILENAME_LIMIT - len(suffix) - 1]}.{suffix}"


@dataclass(frozen=True, slots=True)
class Owner:
    """The household and the transaction or account a document is attached to."""

    household_id: uuid.UUID
    transaction_id: uuid.UUID | None
    account_id: uuid.UUID | None


async def attachment_owner(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID | None,
    account_id: uuid.UUID | None,
) -> Owner:
    """The transaction or account, if it is in ``household_ids``; ``OwnerNotFoundError`` if not."""
    if (transaction_id is None) == (account_id is None):
        raise AttachmentError("attach to either a transaction or an account", field="transactionId")
    if transaction_id is not None:
        household = await session.scalar(
            select(Transaction.household_id).where(
                Transaction.id == transaction_id, Transaction.household_id.in_(household_ids)
            )
        )
        if household is None:
            raise OwnerNotFoundError("transactionId")
        return Owner(household, transaction_id, None)
    household = await session.scalar(
        select(Account.household_id).where(Account.id == account_id, Account.household_id.in_(household_ids))
    )
    if household is None:
        raise OwnerNotFoundError("accountId")
    return Owner(household, None, account_id)


async def add_attachment(
    *,
    session: AsyncSession,
    store: ObjectStore,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    filename: str | None,
    data: bytes,
    max_bytes: int,
    created_by: uuid.UUID | None,
) -> Attachment:
    """Store ``data`` and attach it to the transaction or account (of one of ``household_ids``: those the caller may
    change), in the caller's transaction. Refuses (``AttachmentError``, nothing stored) an empty file, one over
    ``max_bytes``, one whose content is not an accepted type, and a 51st document on the same item."""
    owner = await attachment_owner(
        session=session, household_ids=household_ids, transaction_id=transaction_id, account_id=account_id
    )
    if not data:
        raise AttachmentError("the file is empty")
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    content_type = detect_type(data)
    if content_type is None:
        raise AttachmentError(f"this kind of file cannot be attached; attach {ACCEPTED_LABEL}")
    column = Attachment.transaction_id if transaction_id is not None else Attachment.account_id
    existing = await session.scalar(select(func.count()).where(column == (transaction_id or account_id)))
    if (existing or 0) >= MAX_PER_OWNER:
        raise AttachmentError(f"an item holds at most {MAX_PER_OWNER} documents; delete one first")
    attachment = Attachment(
        id=uuid.uuid4(),
        household_id=owner.household_id,
        transaction_id=owner.transaction_id,
        account_id=owner.account_id,
        filename=clean_filename(filename, content_type),
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=created_by,
    )
    attachment.object_key = attachment_key(owner.household_id, attachment.id)
    await store.put(attachment.object_key, data, content_type=content_type)
    session.add(attachment)
    try:
        await session.flush()
    except Exception:
        await store.delete(attachment.object_key)
        raise
    return attachment


async def delete_attachment(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], attachment_id: uuid.UUID
) -> Attachment:
    """Delete the attachment (of one of ``household_ids``) in the caller's transaction; its object is queued for
    removal by the table's trigger. ``AttachmentNotFoundError`` if there is none."""
    attachment = await session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.household_id.in_(household_ids))
    )
    if attachment is None:
        raise AttachmentNotFoundError(attachment_id)
    await session.delete(attachment)
    await session.flush()
    return attachment


async def remove_objects_now(
    *, sessionmaker: async_sessionmaker[AsyncSession], store: ObjectStore, keys: Sequence[str]
) -> None:
    """After a commit that queued ``keys``: remove them from storage at once and take them off the queue. A failure
    leaves them queued for the worker's sweep."""
    for key in keys:
        try:
            await store.delete(key)
        except Exception:
            logger.warning("stored object left for the sweep", exc_info=True, extra={"object_key": key})
            continue
        async with sessionmaker() as session, session.begin():
            await session.execute(
                delete(ObjectDeletion).where(ObjectDeletion.object_key == key, ObjectDeletion.is_prefix.is_(False))
            )
