# fleetfed's image: the fleetfed command, whose `fleetfed controller` fleetfed install runs in the host cluster.
# Build the jar first, then the image from the repository's root (CI builds neither image nor push):
#   mvn -B -ntp package -DskipTests
#   docker build -t ghcr.io/fleetfed/fleetfed:$(java -jar federation-cli/target/fleetfed.jar --version | cut -d' ' -f2) .
FROM eclipse-temurin:17-jre

COPY federation-cli/target/fleetfed.jar /opt/fleetfed/fleetfed.jar
COPY federation-cli/src/main/docker/fleetfed /usr/local/bin/fleetfed
RUN chmod 0755 /usr/local/bin/fleetfed

# not root: the Deployment fleetfed install prints runs as this user too (runAsNonRoot, runAsUser 1001)
USER 1001
ENTRYPOINT ["fleetfed"]
CMD ["--help"]
