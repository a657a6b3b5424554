"""Bounce reports as real MTAs write them: which delivery each is about and what happened."""

from __future__ import annotations

import base64
import os
import time

import pytest

from services.notify.domain.dsn import (
    MAX_REPORT_BYTES,
    BounceReport,
    RecipientStatus,
    decisive_status,
    parse_report,
)

DOMAIN = "lantoa.local"
DELIVERY = "01JD4Z8Q6M3XK9V2B7N5R1T0WY"
OTHER = "01JD4Z9AAAAAAAAAAAAAAAAAAA"
VERP = f"bounce+{DELIVERY}@{DOMAIN}"


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


# Postfix: user unknown at the remote side, with the returned headers only.
POSTFIX_USER_UNKNOWN = f"""Return-Path: <>
Received: by mx.lantoa.vn (Postfix) id 4Xk2
Date: Thu, 26 Nov 2026 09:31:02 +0700 (ICT)
From: MAILER-DAEMON@mx.lantoa.vn (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {VERP}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Xk2.1764124262/mx.lantoa.vn"
Message-Id: <20261126023102.4Xk2@mx.lantoa.vn>

This is a MIME-encapsulated message.

--4Xk2.1764124262/mx.lantoa.vn
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.lantoa.vn.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<khong-ton-tai@baomoi.vn>: host mx1.baomoi.vn[203.0.113.7] said: 550 5.1.1
    <khong-ton-tai@baomoi.vn>: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)

--4Xk2.1764124262/mx.lantoa.vn
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.lantoa.vn
X-Postfix-Queue-ID: 4Xk2
X-Postfix-Sender: rfc822; {VERP}
Arrival-Date: Thu, 26 Nov 2026 09:31:01 +0700 (ICT)

Final-Recipient: rfc822; khong-ton-tai@baomoi.vn
Original-Recipient: rfc822;khong-ton-tai@baomoi.vn
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx1.baomoi.vn
Diagnostic-Code: smtp; 550 5.1.1 <khong-ton-tai@baomoi.vn>: Recipient address
    rejected: User unknown in virtual mailbox table

--4Xk2.1764124262/mx.lantoa.vn
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{VERP}>
Received: from notify.lantoa.vn (notify.lantoa.vn [10.0.0.5])
\tby mx.lantoa.vn (Postfix) with ESMTP id 4Xk2
From: =?utf-8?q?Lan_To=E1=BA=A3?= <no-reply@lantoa.local>
To: khong-ton-tai@baomoi.vn
Subject: =?utf-8?q?=C4=90=C3=A3_nh=E1=BA=ADn_t=C3=A1c_ph=E1=BA=A9m?=
Message-ID: <{DELIVERY}@{DOMAIN}>
Date: Thu, 26 Nov 2026 02:31:00 -0000
Auto-Submitted: auto-generated
X-Lantoa-Delivery: {DELIVERY}

--4Xk2.1764124262/mx.lantoa.vn--
"""

# Exchange Online: mailbox full, the whole original message returned as message/rfc822.
EXCHANGE_MAILBOX_FULL = f"""\
From: Microsoft Outlook <MicrosoftExchange329e71ec88ae@sobaochi.onmicrosoft.com>
To: <{VERP}>
Subject: Undeliverable: =?utf-8?b?xJDDoyBuaOG6rW4gdMOhYyBwaOG6qW0=?=
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status";
\tboundary="b62c8f1e-0c3d-4a3e-9a7f-2f1d6f9b7c55"
X-MS-Exchange-Message-Is-Ndr:

--b62c8f1e-0c3d-4a3e-9a7f-2f1d6f9b7c55
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="7d5c0a4e-1f7e-45a0-9b8f-3c0e7c2a1d11"

--7d5c0a4e-1f7e-45a0-9b8f-3c0e7c2a1d11
Content-Type: text/plain; charset="us-ascii"

Your message to phongvien@sobaochi.vn couldn't be delivered.
phongvien's mailbox is full.

--7d5c0a4e-1f7e-45a0-9b8f-3c0e7c2a1d11
Content-Type: text/html; charset="us-ascii"

<html><body><p>phongvien's mailbox is full.</p></body></html>

--7d5c0a4e-1f7e-45a0-9b8f-3c0e7c2a1d11--

--b62c8f1e-0c3d-4a3e-9a7f-2f1d6f9b7c55
Content-Type: message/delivery-status

Reporting-MTA: dns;SG2PR04MB1234.apcprd04.prod.outlook.com
Received-From-MTA: dns;notify.lantoa.vn
Arrival-Date: Thu, 26 Nov 2026 02:31:00 +0000

Final-Recipient: rfc822;phongvien@sobaochi.vn
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;554 5.2.2 mailbox full;
 STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded
X-Display-Name: Phong Vien

--b62c8f1e-0c3d-4a3e-9a7f-2f1d6f9b7c55
Content-Type: message/rfc822

Received: from notify.lantoa.vn (10.0.0.5) by SG2PR04MB1234 with Microsoft SMTP Server
From: =?utf-8?q?Lan_To=E1=BA=A3?= <no-reply@lantoa.local>
To: phongvien@sobaochi.vn
Subject: =?utf-8?q?=C4=90=C3=A3_nh=E1=BA=ADn_t=C3=A1c_ph=E1=BA=A9m?=
Message-ID: <{DELIVERY}@{DOMAIN}>
X-Lantoa-Delivery: {DELIVERY}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Chào Phóng viên, chúng tôi đã nhận tác phẩm của bạn.

--b62c8f1e-0c3d-4a3e-9a7f-2f1d6f9b7c55--
"""


def delayed_report(status: str = "4.4.1", action: str = "delayed") -> str:
    return f"""From: Mail Delivery Subsystem <MAILER-DAEMON@relay.vnpt.vn>
To: <{VERP}>
Subject: Warning: could not send message for past 4 hours
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="D1"

--D1
Content-Type: text/plain; charset=us-ascii

    **********************************************
    **      THIS IS A WARNING MESSAGE ONLY      **
    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
    **********************************************

--D1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.vnpt.vn
Arrival-Date: Thu, 26 Nov 2026 09:31:01 +0700

Final-Recipient: RFC822; bientap@tapchi.vn
Action: {action}
Status: {status}
Remote-MTA: DNS; mail.tapchi.vn
Diagnostic-Code: SMTP; 421 4.4.1 Connection timed out
Last-Attempt-Date: Thu, 26 Nov 2026 13:31:01 +0700
Will-Retry-Until: Sun, 29 Nov 2026 09:31:01 +0700

--D1
Content-Type: text/rfc822-headers

Message-ID: <{DELIVERY}@{DOMAIN}>
X-Lantoa-Delivery: {DELIVERY}

--D1--
"""


SUCCESS = f"""From: MAILER-DAEMON@mx.lantoa.vn (Mail Delivery System)
To: {VERP}
Subject: Successful Mail Delivery Report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="S1"

--S1
Content-Type: text/plain

Your message was successfully delivered to the destination(s) listed below.

--S1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.lantoa.vn
Original-Envelope-Id: {DELIVERY}

Final-Recipient: rfc822; tacgia@demo.lantoa.vn
Action: delivered
Status: 2.0.0
Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 9F1C2

--S1--
"""

# qmail: no MIME structure at all, the returned message inline below a marker.
QMAIL_FAILURE = f"""From: MAILER-DAEMON@mail.thoibao.vn
To: {VERP}
Subject: failure notice

Hi. This is the qmail-send program at mail.thoibao.vn.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<nguoinhan@thoibao.vn>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <{VERP}>
Received: (qmail 21871 invoked from network); 26 Nov 2026 02:31:01 -0000
Message-ID: <{DELIVERY}@{DOMAIN}>
X-Lantoa-Delivery: {DELIVERY}
Subject: Thu moi

Noi dung.
"""


def test_postfix_user_unknown_is_permanent_with_returned_headers() -> None:
    report = parse_report(crlf(POSTFIX_USER_UNKNOWN), DOMAIN)
    assert report == BounceReport(
        delivery_id=DELIVERY,
        recipients=(
            RecipientStatus(
                recipient="khong-ton-tai@baomoi.vn",
                action="failed",
                status="5.1.1",
                diagnostic="550 5.1.1 <khong-ton-tai@baomoi.vn>: Recipient address rejected: "
                "User unknown in virtual mailbox table",
                permanent=True,
            ),
        ),
    )


def test_exchange_mailbox_full_found_through_the_returned_message() -> None:
    report = parse_report(EXCHANGE_MAILBOX_FULL.encode(), DOMAIN)
    assert report is not None
    assert report.delivery_id == DELIVERY
    (status,) = report.recipients
    assert (status.recipient, status.action, status.status, status.permanent) == (
        "phongvien@sobaochi.vn",
        "failed",
        "5.2.2",
        True,
    )
    assert status.diagnostic.startswith("554 5.2.2 mailbox full; STOREDRV.Deliver")


def test_a_delay_is_not_a_failure() -> None:
    report = parse_report(delayed_report().encode(), DOMAIN)
    assert report is not None
    (status,) = report.recipients
    assert (status.action, status.status, status.permanent) == ("delayed", "4.4.1", False)
    assert status.recipient == "bientap@tapchi.vn"
    assert report.delivery_id == DELIVERY


def test_failed_with_a_class_4_status_counts_as_temporary() -> None:
    report = parse_report(delayed_report("4.4.7", "failed").encode(), DOMAIN)
    assert report is not None
    (status,) = report.recipients
    assert (status.action, status.status, status.permanent) == ("failed", "4.4.7", False)


def test_a_success_report_names_the_delivery_by_its_envelope_id() -> None:
    report = parse_report(SUCCESS.encode(), DOMAIN)  # no VERP given, no returned headers
    assert report is not None
    assert report.delivery_id == DELIVERY
    (status,) = report.recipients
    assert (status.action, status.status, status.permanent) == ("delivered", "2.0.0", False)


def test_the_envelope_id_may_be_xtext_encoded() -> None:
    raw = SUCCESS.replace(f"Original-Envelope-Id: {DELIVERY}", "Original-Envelope-Id: A+2DB")
    report = parse_report(raw.encode(), DOMAIN)
    assert report is not None and report.delivery_id == "A-B"


def test_qmail_plain_text_bounce_is_read_loosely() -> None:
    report = parse_report(QMAIL_FAILURE.encode(), DOMAIN)
    assert report is not None
    assert report.delivery_id == DELIVERY
    (status,) = report.recipients
    assert (status.recipient, status.action, status.status, status.permanent) == (
        "nguoinhan@thoibao.vn",
        "failed",
        "5.1.1",
        True,
    )
    assert "no mailbox here by that name" in status.diagnostic


def test_a_plain_bounce_without_a_permanent_code_is_not_read() -> None:
    raw = QMAIL_FAILURE.replace("(#5.1.1)", "(#4.2.2)")
    assert parse_report(raw.encode(), DOMAIN) is None


def test_a_plain_bounce_with_attached_headers() -> None:
    raw = f"""From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {VERP}
Subject: Delivery Status Notification (Failure)
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="G1"

--G1
Content-Type: text/plain; charset="UTF-8"

Address not found
The response was: 550 5.1.1 The email account that you tried to reach does not exist.

--G1
Content-Type: message/rfc822

To: khongco@gmail.com
Message-ID: <{DELIVERY}@{DOMAIN}>
Subject: Test

Body
--G1--
"""
    report = parse_report(raw.encode(), DOMAIN)
    assert report is not None
    assert report.delivery_id == DELIVERY
    (status,) = report.recipients
    assert status.recipient == "khongco@gmail.com"
    assert status.status == "5.1.1" and status.permanent


def test_the_verp_address_wins_over_the_returned_headers() -> None:
    raw = POSTFIX_USER_UNKNOWN.replace(
        f"X-Lantoa-Delivery: {DELIVERY}", f"X-Lantoa-Delivery: {OTHER}"
    )
    assert parse_report(raw.encode(), DOMAIN).delivery_id == OTHER  # type: ignore[union-attr]
    report = parse_report(raw.encode(), DOMAIN, rcpt_to=f"<bounce+{DELIVERY}@LANTOA.local>")
    assert report is not None and report.delivery_id == DELIVERY


def test_the_header_names_the_delivery_before_the_message_id() -> None:
    raw = POSTFIX_USER_UNKNOWN.replace(f"X-Lantoa-Delivery: {DELIVERY}", "")
    raw = raw.replace(f"Message-ID: <{DELIVERY}@{DOMAIN}>", f"Message-ID: <{OTHER}@{DOMAIN}>")
    assert parse_report(raw.encode(), DOMAIN).delivery_id == OTHER  # type: ignore[union-attr]


def test_ids_of_other_domains_and_odd_addresses_are_not_trusted() -> None:
    raw = POSTFIX_USER_UNKNOWN.replace(f"X-Lantoa-Delivery: {DELIVERY}", "")
    raw = raw.replace(f"<{DELIVERY}@{DOMAIN}>", f"<{DELIVERY}@attacker.example>")
    assert parse_report(raw.encode(), DOMAIN).delivery_id is None  # type: ignore[union-attr]
    for address in (f"bounce+{DELIVERY}@other.example", f"{DELIVERY}@{DOMAIN}", "bounce+@x"):
        report = parse_report(raw.encode(), DOMAIN, rcpt_to=address)
        assert report is not None and report.delivery_id is None


def test_reports_of_other_kinds_are_not_bounces() -> None:
    read_receipt = POSTFIX_USER_UNKNOWN.replace(
        "report-type=delivery-status", "report-type=disposition-notification"
    ).replace("Subject: Undelivered Mail Returned to Sender", "Subject: Read: hello")
    # Even with the words of a bounce in it, a report of another type is not one.
    assert parse_report(read_receipt.encode(), DOMAIN) is None


def test_a_base64_encoded_status_part_is_decoded() -> None:
    fields = (
        "Reporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; a@example.vn\nAction: failed\nStatus: 5.7.1\n"
        "Diagnostic-Code: smtp; 550 5.7.1 rejected by policy\n"
    )
    encoded = base64.encodebytes(fields.encode()).decode()
    raw = f"""From: postmaster@example.vn
Subject: Returned mail
Content-Type: multipart/report; report-type=delivery-status; boundary="E1"

--E1
Content-Type: message/delivery-status
Content-Transfer-Encoding: base64

{encoded}
--E1--
"""
    report = parse_report(raw.encode(), DOMAIN, rcpt_to=VERP)
    assert report is not None
    assert report.delivery_id == DELIVERY
    assert report.recipients[0].status == "5.7.1" and report.recipients[0].permanent


def test_a_missing_status_is_taken_from_the_diagnostic() -> None:
    raw = POSTFIX_USER_UNKNOWN.replace("Status: 5.1.1\n", "Status: unknown\n")
    report = parse_report(raw.encode(), DOMAIN)
    assert report is not None and report.recipients[0].status == "5.1.1"


def test_hostile_text_is_made_short_and_printable() -> None:
    raw = POSTFIX_USER_UNKNOWN.replace(
        "Diagnostic-Code: smtp; 550 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 \x1b[31m\u202e" + "x" * 5000,
    )
    report = parse_report(raw.encode(), DOMAIN)
    assert report is not None
    diagnostic = report.recipients[0].diagnostic
    assert len(diagnostic) <= 300
    assert diagnostic.isprintable()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x80" * 100,
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\n",
        b'Content-Type: multipart/report; boundary="\n\n\n',
        b"From: MAILER-DAEMON\nSubject: Undelivered Mail Returned to Sender\n\nno code here",
        b"Subject: hello\n\n550 5.1.1 looks like a bounce but is an ordinary message",
        os.urandom(64 * 1024),
    ],
)
def test_garbage_is_not_a_report(raw: bytes) -> None:
    assert parse_report(raw, DOMAIN, rcpt_to=VERP) is None


def test_a_huge_input_is_read_no_further_than_the_cap() -> None:
    # The status part sits after a human-readable part bigger than what is read.
    padding = ("Lorem ipsum dolor sit amet. " * 40 + "\n") * (2 * MAX_REPORT_BYTES // 1100)
    raw = POSTFIX_USER_UNKNOWN.replace("This is the mail system", padding + "This is the mail")
    assert len(raw) > 2 * MAX_REPORT_BYTES
    assert parse_report(raw.encode(), DOMAIN, rcpt_to=VERP) is None
    assert parse_report(b"A" * (5 * MAX_REPORT_BYTES), DOMAIN, rcpt_to=VERP) is None


@pytest.mark.parametrize(
    "raw",
    [
        # A Content-Type with 200,000 parameters (the stdlib parses it in quadratic time).
        b"Content-Type: multipart/report; " + b"a=b; " * 200_000 + b"\n\n",
        # 60,000 MIME parts, and 30,000 delivery-status blocks.
        b"Content-Type: multipart/report; boundary=x\n\n"
        + b"--x\nContent-Type: text/plain\n\na\n" * 60_000,
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\n"
        b"Content-Type: message/delivery-status\n\n"
        + b"Final-Recipient: rfc822; a@b.vn\nAction: failed\nStatus: 5.1.1\n\n"
        * 30_000,
        # 100 parts each with a 10 kB Content-Type.
        b"Content-Type: multipart/report; boundary=x\n\n"
        + (b"--x\nContent-Type: text/plain; " + b"a=b; " * 2000 + b"\n\na\n") * 100,
    ],
    ids=["long-content-type", "many-parts", "many-blocks", "long-part-headers"],
)
def test_pathological_structure_is_read_quickly(raw: bytes) -> None:
    started = time.perf_counter()
    report = parse_report(raw, DOMAIN, rcpt_to=VERP)
    assert time.perf_counter() - started < 5  # each took from 8 s to minutes unbounded
    assert report is None or len(report.recipients) <= 50


def test_a_large_returned_message_does_not_hide_the_report() -> None:
    body = "Nội dung rất dài.\n" * (3 * MAX_REPORT_BYTES // 20)
    raw = EXCHANGE_MAILBOX_FULL.replace(
        "Chào Phóng viên, chúng tôi đã nhận tác phẩm của bạn.", body
    )
    report = parse_report(raw.encode(), DOMAIN)
    assert report is not None and report.delivery_id == DELIVERY
    assert report.recipients[0].permanent


def test_the_decisive_status_prefers_the_delivery_recipient_then_the_gravest() -> None:
    def status(recipient: str, action: str, code: str) -> RecipientStatus:
        permanent = action == "failed" and code.startswith("5")
        return RecipientStatus(recipient, action, code, "", permanent)

    delivered = status("a@x.vn", "delivered", "2.0.0")
    temporary = status("b@x.vn", "failed", "4.2.2")
    permanent = status("c@x.vn", "failed", "5.1.1")
    report = BounceReport(DELIVERY, (delivered, temporary, permanent))
    assert decisive_status(report, "A@x.vn") == delivered
    assert decisive_status(report, "nobody@x.vn") == permanent
    assert decisive_status(report, None) == permanent
    assert decisive_status(BounceReport(DELIVERY, ()), "a@x.vn") is None
