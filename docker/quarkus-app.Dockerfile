# The image of a Quarkus application of this project (the replica: replica-app/, the operator: operator/): its
# fast-jar on the locally built Debian JRE base, since no registry is reachable here. Build context:
# <module>/target/quarkus-app, i.e. replica-app/target/quarkus-app or operator/target/quarkus-app
# (scripts/build-images.sh). The pod spec gives the arguments.
ARG BASE_IMAGE=replicagroup/base-jre:17-bookworm-1
FROM ${BASE_IMAGE}
WORKDIR /app
COPY --chown=0:0 lib/ /app/lib/
COPY --chown=0:0 *.jar /app/
COPY --chown=0:0 app/ /app/app/
COPY --chown=0:0 quarkus/ /app/quarkus/
# Non-root; the root filesystem can be mounted read-only: only /tmp is written (an emptyDir in the pod).
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
