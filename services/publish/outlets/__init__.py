"""Outlets: where winning works are published (a newsroom's WordPress, the Zalo official
account, the commune loudspeakers), configured by the organizers."""
