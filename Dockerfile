# launchready in a container: Debian slim + Chromium (page loads, browser checks), non-root.
#   docker build -t launchready .
#   docker run --rm -v "$PWD:/work" launchready audit https://staging.example.com --config launchready.yml
# Pinned base (exact Node version on Debian bookworm slim); update it deliberately.
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY examples ./examples
COPY scripts ./scripts
RUN npm run build --silent && npm prune --omit=dev --no-audit --no-fund

FROM node:20.19.5-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    LAUNCHREADY_CHROMIUM=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/examples ./examples
COPY --from=build /app/schema ./schema
RUN ln -s /app/bin/launchready.js /usr/local/bin/launchready
# The image's unprivileged user (uid 1000); reports and the store go to the mounted /work.
USER node
WORKDIR /work
ENTRYPOINT ["launchready"]
CMD ["--help"]
