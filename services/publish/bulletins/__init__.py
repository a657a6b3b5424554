"""Commune loudspeaker bulletins: MP3 from a work's recording, its video's sound or its text
read aloud (espeak-ng), a script and a manifest, dropped as a package the provincial
source-information system takes (see ``package.py`` and ``manifest.schema.json``)."""
