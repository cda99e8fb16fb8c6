-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d).
-- One database per service, each named after the service (contracts.catalogue.SERVICES); every
-- service then keeps its tables in a schema of its own name inside its database.
-- tests/contract/test_compose_deployment.py checks that every DATABASE_URL in docker-compose.yml
-- names a database created here.
CREATE DATABASE intake;
CREATE DATABASE routing;
CREATE DATABASE police;
CREATE DATABASE education;
CREATE DATABASE health;
CREATE DATABASE civil_affairs;
CREATE DATABASE notifications;
