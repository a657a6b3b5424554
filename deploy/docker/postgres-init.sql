-- One database per service (each service owns its data; nothing is shared between them).
-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d),
-- as POSTGRES_USER, who owns the databases. The DATABASE_URLs in docker-compose.yml
-- point at exactly these four.
CREATE DATABASE submissions;
CREATE DATABASE judging;
CREATE DATABASE notify;
CREATE DATABASE publish;
