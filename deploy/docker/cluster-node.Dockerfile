# syntax=docker/dockerfile:1
# The cluster-node (roles gateway, agent, ams). Build from the repository root:
#   docker build -f deploy/docker/cluster-node.Dockerfile -t streamstack/cluster-node:0.1.0 .

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY protocol protocol
COPY cluster-node cluster-node
COPY media-node/pom.xml media-node/pom.xml
COPY deploy/docker/collect-libs.sh /usr/local/bin/collect-libs.sh
# The Maven repository is a cache mount: the dependencies are copied out in the same step.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q package -DskipTests -pl protocol,cluster-node \
 && collect-libs.sh cluster-node /out

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 streamstack \
 && useradd --system --uid 10001 --gid streamstack --home-dir /home/streamstack --create-home streamstack
COPY --from=build /out/ /opt/streamstack/
COPY deploy/docker/run.sh /opt/streamstack/bin/run
ENV STREAMSTACK_MAIN_CLASS=org.streamstack.cluster.Main \
    JAVA_OPTS="-XX:MaxRAMPercentage=70 -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
USER 10001:10001
WORKDIR /home/streamstack
# gateway API, AMS API, Pekko Management, Pekko cluster (artery)
EXPOSE 4000 8444 8558 2551
ENTRYPOINT ["/opt/streamstack/bin/run"]
CMD ["cluster-node"]
