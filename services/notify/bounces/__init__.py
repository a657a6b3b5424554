"""Bounce reports: received over SMTP (bounce+<delivery>@) or HTTP, applied to deliveries."""
