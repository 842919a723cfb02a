"""One ``notify`` service: in-app inbox, email, SMS through an adapter."""
