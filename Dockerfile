# One image recipe for any deployable:
#   docker build --build-arg PACKAGE=@kabinet/identity -t kabinet-identity .
# The image runs plain JavaScript, the deployable's build (`pnpm build`: <package>/dist/*.js),
# on production dependencies only. The files the code reads at run time (SDL, migrations, the
# supergraph, persisted-query manifests, page assets) stay where the repository keeps them,
# where the build looks for them. The command (which output to run) is set per service in
# docker-compose.yml.
FROM node:20-bookworm-slim AS base
WORKDIR /app
RUN corepack enable

FROM base AS build
ARG PACKAGE
COPY . .
RUN test -n "$PACKAGE"
# What the build needs: the deployable's workspace packages (not what only their tests use), and the builder.
RUN pnpm install --frozen-lockfile --filter-prod "${PACKAGE}..." --filter @kabinet/build
RUN pnpm build "$PACKAGE"
# Then production dependencies only, of the deployable and of the workspace packages it is made of.
RUN rm -rf node_modules */node_modules */*/node_modules \
  && pnpm install --frozen-lockfile --prod --filter-prod "${PACKAGE}..."

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
