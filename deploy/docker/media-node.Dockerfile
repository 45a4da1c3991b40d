# syntax=docker/dockerfile:1
# The media node (instances, encoders, WebRTC). Build from the repository root:
#   docker build -f deploy/docker/media-node.Dockerfile -t streamstack/media-node:0.1.0 .

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY protocol protocol
COPY cluster-node cluster-node
COPY media-node media-node
COPY deploy/docker/collect-libs.sh /usr/local/bin/collect-libs.sh
# cluster-node is built too: the media node's tests use its test harness (compiled, not run here).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q package -DskipTests -pl protocol,cluster-node,media-node \
 && collect-libs.sh media-node /out

# Debian's JRE and OpenSSL 3, which jitsi-srtp loads natively; FFmpeg comes in the bytedeco jars.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 streamstack \
 && useradd --system --uid 10001 --gid streamstack --home-dir /home/streamstack --create-home streamstack
COPY --from=build /out/ /opt/streamstack/
COPY deploy/docker/run.sh /opt/streamstack/bin/run
# NVIDIA's container runtime mounts the driver's CUDA and NVENC libraries when asked for them.
ENV STREAMSTACK_MAIN_CLASS=org.streamstack.media.node.MediaNodeMain \
    JAVA_OPTS="-XX:MaxRAMPercentage=70" \
    NVIDIA_DRIVER_CAPABILITIES=compute,video,utility
USER 10001:10001
# FFmpeg's natives are extracted to ~/.javacpp/cache at the first start.
WORKDIR /home/streamstack
# WebRTC: ICE, DTLS and SRTP of every peer on one UDP port; GET /metrics on TCP 9100
EXPOSE 10000/udp 9100
ENTRYPOINT ["/opt/streamstack/bin/run"]
