"""History: projects every topic into a database and serves conversations over HTTP."""
