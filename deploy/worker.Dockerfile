# worker image. Build from the repository root:
#   docker build -f deploy/worker.Dockerfile -t ghcr.io/forge-preview/worker:0.1.0 .

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# The wrapper fetches its pinned Maven through the image's own mvn (a goal that needs no project,
# so it runs before any pom is copied); a layer of its own keeps that download cached.
COPY mvnw ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q --version
COPY pom.xml ./
# Maven reads every module's pom listed in the reactor, even with -pl.
COPY workflows/ workflows/
COPY settings/ settings/
COPY activities/ activities/
COPY forge-simulator/ forge-simulator/
COPY webhook-gateway/ webhook-gateway/
COPY worker/ worker/
COPY cli/ cli/
RUN ./mvnw -B -q -pl worker -am package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system --gid 10001 forge-preview \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin forge-preview
WORKDIR /app
COPY --from=build --chown=10001:10001 \
    /src/worker/target/worker-0.1.0-SNAPSHOT-standalone.jar /app/app.jar
ENV WORKER_HEALTH_PORT=8081
USER 10001:10001
EXPOSE 8081
# wget ships in the Temurin Ubuntu images (installed by their Dockerfile); it exits non-zero on
# connection errors and on HTTP 4xx/5xx.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null "http://127.0.0.1:${WORKER_HEALTH_PORT}/health" || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
