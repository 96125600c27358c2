# One image recipe for any workspace deployable:
#   docker build --build-arg PACKAGE=@kabinet/identity -t kabinet-identity .
# The command (which entry file to run) is set per service in docker-compose.yml.
FROM node:20-bookworm-slim AS base
WORKDIR /app
RUN corepack enable

FROM base AS build
ARG PACKAGE
COPY . .
# Workspace packages export TypeScript sources and run through tsx, so the
# deployable keeps its dev dependencies; `--filter PACKAGE...` keeps only what it needs.
RUN test -n "$PACKAGE" && pnpm install --frozen-lockfile --filter "${PACKAGE}..." --filter kabinet

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
