"""The ways a delivery leaves notify: e-mail, Zalo ZNS, webhooks. One module per channel."""
