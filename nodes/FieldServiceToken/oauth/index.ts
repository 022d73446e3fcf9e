// The OAuth 2.0 / IDCS core: no n8n types in here, one module per protocol step.
export * from './accessTokenCache';
export * from './authorizationCodeGrant';
export * from './authorizationRequest';
export * from './clientAuthentication';
export * from './clientCredentialsGrant';
export * from './errors';
export * from './http';
export * from './pluginMessage';
export * from './refreshAccessToken';
export * from './refreshTokenGrant';
export * from './sendTokenRequest';
export * from './singleFlight';
export * from './statelessGrant';
export * from './tokenCache';
export * from './tokenEndpoint';
export * from './tokenRequest';
export * from './tokenResponse';
