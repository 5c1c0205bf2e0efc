import type { NextConfig } from "next";

// The API lives in its own process. The browser reaches it through /api/graphql (same origin, so
// the API needs no CORS) and over WebSocket directly for subscriptions; see src/lib/config.ts.
const config: NextConfig = {
  // The browser test builds into its own folder so it never swaps chunks under a running `npm start`.
  distDir: process.env.QUELL_NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` type-checks the app with Next's generated route types (web:check runs `next typegen`
  // then tsc) just before its browser test builds it; that build says so (QUELL_WEB_TYPECHECKED=1)
  // rather than checking the same files a second time. Every other build still checks them itself.
  typescript: { ignoreBuildErrors: process.env.QUELL_WEB_TYPECHECKED === "1" },
  experimental: {
    // CI builds a fresh clone once and throws it away, so Turbopack's build cache written there is
    // never read (writing it took 15 s of the e2e build at load 7); developers keep it for fast rebuilds.
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
};

export default config;
