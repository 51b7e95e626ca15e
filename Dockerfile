# One image for the gateway and the four subgraphs; each container runs one
# of them (see docker-compose.yml). TypeScript runs through tsx, as in development.
# Node.js 24, the Active LTS (Node 20 reached end of life in April 2026); the
# suite passes on both (README, "Supported platforms").
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY schema ./schema
COPY services ./services
COPY gateway ./gateway
# npm run migrate and npm run audit:verify (and the other operational scripts) must run in a container too.
COPY scripts ./scripts
USER node
# Overridden per service in docker-compose.yml.
CMD ["node", "--import", "tsx", "gateway/src/index.ts"]
