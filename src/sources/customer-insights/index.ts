// The Customer Insights source's public surface, for the worker.
export {
  type CustomerInsightsMemberPage,
  CustomerInsightsSource,
  type CustomerInsightsSourceOptions,
} from './customer-insights-source.ts';
export {
  DataApiClient,
  type DataApiClientOptions,
  type InstanceInfo,
  type SegmentMetadata,
} from './data-api-client.ts';
export { DataverseClient, type DataverseClientOptions } from './dataverse-client.ts';
export { DataverseSource, type DataverseSourceOptions, type MemberCount } from './dataverse-source.ts';
export {
  type AuthorizeRequest,
  authorizeUrl,
  createAuthorizeRequest,
  dataverseScope,
  type EntraConfig,
  type Prompt,
  parseRedirect,
  redeemCode,
  redeemRefreshToken,
  signIn,
  type TokenSet,
} from './entra-sign-in.ts';
export {
  CustomerInsightsError,
  type CustomerInsightsErrorCode,
  OrgAccessRequiredError,
  SignInCancelledError,
  SignInError,
  type SignInErrorCode,
  SignInRequiredError,
} from './errors.ts';
export { type AccessTokens, TokenProvider, type TokenProviderOptions } from './token-provider.ts';
