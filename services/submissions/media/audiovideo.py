"""Audio and video through PyAV: measuring them (duration, codecs, picture size) by reading
every packet without decoding, and stripping artist, location and cover-art tags by
remuxing without re-encoding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import av.error
from av.video.stream import VideoStream

from shared.contracts.submissions import MediaKind

from .containers import length_is_declared, sizes_fit
from .facts import MediaFacts, UnreadableMedia, damaged
from .findings import CannotRewrite, Scrubbed, add_field, rewrite, xmp_fields

# Force the demuxer named by the detected type: never let FFmpeg probe its way into another
# format (playlists and concat lists can reach other files).
_DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "audio/mp4": "mov",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
    "video/x-msvideo": "avi",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}
AV_OPTIONS = {"protocol_whitelist": "file"}


def demuxer_for(media_type: str) -> str | None:
    return _DEMUXERS.get(media_type)


def is_attached_picture(stream: Any) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


# --- measuring -------------------------------------------------------------------------------


def probe_av(path: Path, kind: MediaKind, media_type: str) -> MediaFacts:
    video = kind is MediaKind.VIDEO
    unreadable = damaged("video", "video") if video else damaged("âm thanh", "audio file")
    demuxer = demuxer_for(media_type)
    if not sizes_fit(path, demuxer):
        raise unreadable
    try:
        with av.open(
            str(path), format=demuxer, options=AV_OPTIONS, metadata_errors="replace"
        ) as container:
            streams = [
                s
                for s in container.streams
                if s.type in ("audio", "video") and not is_attached_picture(s)
            ]
            pictures = [s for s in streams if isinstance(s, VideoStream)]
            if video and not pictures:
                raise UnreadableMedia(
                    "Tệp không có hình nên không phải là video. "
                    "/ The file has no picture track, so it is not a video."
                )
            if not video and not any(s.type == "audio" for s in streams):
                raise UnreadableMedia(
                    "Tệp không có tiếng nên không phải là tệp âm thanh. "
                    "/ The file has no sound track, so it is not an audio file."
                )
            start = (
                container.start_time / av.time_base if container.start_time is not None else None
            )
            span = _demux_span(container, streams, start)
            if span is None:
                raise unreadable
            declared = container.duration / av.time_base if container.duration else None
            codec_names = tuple(
                dict.fromkeys(s.codec_context.codec.canonical_name for s in streams)
            )
            width = pictures[0].width if pictures else None
            height = pictures[0].height if pictures else None
    except av.error.FFmpegError as error:
        raise unreadable from error
    if declared is not None and length_is_declared(path, demuxer):
        if span < declared - max(0.5, 0.02 * declared):
            raise unreadable
        duration = max(declared, span)  # a header cannot shorten what is really there
    else:
        duration = span if span > 0 else (declared or 0.0)
    return MediaFacts(
        duration_seconds=round(duration, 3),
        codecs=codec_names,
        width=width or None,
        height=height or None,
    )


def _demux_span(container: Any, streams: list[Any], start: float | None) -> float | None:
    """Read every packet (no decoding: the cost is I/O); the seconds they cover, or None."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for packet in container.demux(streams):
        time = packet.pts if packet.pts is not None else packet.dts  # AVI may give only dts
        if time is None:
            continue  # the flush packet at the end of each stream
        if packet.is_corrupt:
            return None
        index = packet.stream.index
        first[index] = min(first.get(index, time), time)
        last[index] = max(last.get(index, time), time + (packet.duration or 0))
    if not last:
        return None
    bases = {s.index: s.time_base for s in streams}
    if start is None:  # else the container's start: encoder priming before it is not played
        start = min(float(first[i] * bases[i]) for i in first)
    end = max(float(last[i] * bases[i]) for i in last)
    return max(0.0, end - start)


# --- tags ------------------------------------------------------------------------------------

_IDENTIFYING_TAGS = frozenset(
    {
        "artist",
        "author",
        "composer",
        "album_artist",
        "performer",
        "lyricist",
        "comment",
        "description",
        "copyright",
        "encoded_by",
        "publisher",
        "com.apple.quicktime.author",
        "com.apple.quicktime.artist",
        "com.apple.quicktime.comment",
        "com.apple.quicktime.copyright",
        "com.apple.quicktime.description",
    }
)
_MUXERS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/mp4": "ipod",
    "video/webm": "webm",
    "video/x-matroska": "matroska",
    "video/x-msvideo": "avi",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}


def _tag_kind(key: str) -> str | None:
    """'identifying', 'title' or None for a container or stream tag."""
    lowered = key.lower()
    if lowered in _IDENTIFYING_TAGS or "location" in lowered or "gps" in lowered:
        return "identifying"
    return "title" if lowered == "title" else None


def scrub_av(path: Path, kind: MediaKind, media_type: str, out: Path) -> Scrubbed:
    found: dict[str, str] = {}
    demuxer = demuxer_for(media_type)
    # Editors (Premiere, Final Cut) leave an XMP packet in MP4/MOV files, naming the creator.
    options = {**AV_OPTIONS, "export_xmp": "1"} if demuxer == "mov" else AV_OPTIONS
    try:
        with av.open(
            str(path), format=demuxer, options=options, metadata_errors="replace"
        ) as container:
            xmp = xmp_fields(container.metadata.get("xmp", "").encode(), f"{kind} XMP")
            identifying = bool(xmp)
            found.update(xmp)
            sources: list[tuple[str, dict[str, str]]] = [(f"{kind} tag", container.metadata)]
            for stream in container.streams:
                if is_attached_picture(stream):
                    # Cover art, often the newsroom's logo or a portrait; its own tags only
                    # describe the picture ("Cover (front)") and go with it.
                    identifying = True
                    found[f"{kind} cover picture"] = stream.codec_context.codec.canonical_name
                else:
                    sources.append((f"{kind} stream {stream.index} tag", stream.metadata))
            for prefix, tags in sources:
                for key, value in tags.items():
                    tag_kind = _tag_kind(key)
                    if tag_kind is not None and value.strip():
                        identifying = identifying or tag_kind == "identifying"
                        add_field(found, f"{prefix} {key.lower()}", value)
    except av.error.FFmpegError:
        return Scrubbed({}, None, ())  # probe refuses unreadable files
    muxer = _MUXERS.get(media_type)
    if muxer is None and identifying:
        return Scrubbed(found, None, tuple(found))
    result = rewrite(found, out, lambda: _remux(path, media_type, out, muxer or ""), identifying)
    if result.cleaned is None and identifying:
        return Scrubbed(found, None, tuple(k for k in found if not k.endswith(" title")))
    return result


def _remux(path: Path, media_type: str, out: Path, muxer: str) -> None:
    """Copy the audio and video packets into a fresh container with no tags (no re-encoding).
    Cover pictures and data streams (GPS telemetry of action cameras) are left out."""
    with (
        av.open(
            str(path), format=demuxer_for(media_type), options=AV_OPTIONS, metadata_errors="replace"
        ) as source,
        av.open(str(out), "w", format=muxer) as target,
    ):
        copies: dict[int, Any] = {}
        for stream in source.streams:
            if stream.type in ("audio", "video", "subtitle") and not is_attached_picture(stream):
                copies[stream.index] = target.add_stream_from_template(stream)
                language = stream.metadata.get("language")
                if language:
                    copies[stream.index].metadata["language"] = language
        if not copies:
            raise CannotRewrite("no stream to copy")
        inputs = [s for s in source.streams if s.index in copies]
        for packet in source.demux(inputs):
            if packet.dts is None:
                continue  # the flush packet at the end of each stream
            packet.stream = copies[packet.stream.index]
            target.mux(packet)
