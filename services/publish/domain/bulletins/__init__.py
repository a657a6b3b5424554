"""Commune loudspeaker bulletins, without I/O: the organizer's options (priority, target
communes, validity window, length), the script read from a work, and the manifest the
provincial source-information system takes a bulletin by (Circular 39/2020/TT-BTTTT).

The manifest's JSON Schema is ``services/publish/bulletins/manifest.schema.json``;
``manifest_problems`` checks the same rules (and the ones a schema cannot say: the window's
order and length) so a package is never written with a manifest the taker would refuse.
"""

from .manifest import (
    AudioFacts,
    ScriptFacts,
    build_manifest,
    canceled_manifest,
    manifest_problems,
    manifest_sha256,
)
from .options import (
    AUDIO_FILE,
    AUDIO_MEDIA_TYPE,
    DEFAULT_PREFIX,
    MANIFEST_FILE,
    SCRIPT_FILE,
    SCRIPT_MEDIA_TYPE,
    BulletinOptions,
    Destination,
    bulletin_id,
    parse_address,
    parse_options,
    priority_label,
    resolve_window,
    safe_file_name,
)
from .script import Script, cut_at_sentence, script_for, speech_chunks

__all__ = [
    "AUDIO_FILE",
    "AUDIO_MEDIA_TYPE",
    "DEFAULT_PREFIX",
    "MANIFEST_FILE",
    "SCRIPT_FILE",
    "SCRIPT_MEDIA_TYPE",
    "AudioFacts",
    "BulletinOptions",
    "Destination",
    "Script",
    "ScriptFacts",
    "build_manifest",
    "bulletin_id",
    "canceled_manifest",
    "cut_at_sentence",
    "manifest_problems",
    "manifest_sha256",
    "parse_address",
    "parse_options",
    "priority_label",
    "resolve_window",
    "safe_file_name",
    "script_for",
    "speech_chunks",
]
