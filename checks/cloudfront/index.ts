import type { Check } from '../define.ts';
import { cloudfrontApiKeyHeader } from './api-key-header.ts';
import { cloudfrontApiStagePath } from './api-stage-path.ts';
import { cloudfrontOriginBypass } from './origin-bypass.ts';
import { cloudfrontS3OriginAccess } from './s3-origin-access.ts';
import { cloudfrontSecurityHeaders } from './security-headers.ts';
import { cloudfrontViewerHttp } from './viewer-http.ts';
import { cloudfrontVpcOriginTarget } from './vpc-origin-target.ts';
import { cloudfrontWafMissing } from './waf-missing.ts';

/** The cloudfront.* checks, in catalogue order (docs/checks.md). */
export const CLOUDFRONT_CHECKS: readonly Check[] = [
  cloudfrontOriginBypass,
  cloudfrontVpcOriginTarget,
  cloudfrontS3OriginAccess,
  cloudfrontApiKeyHeader,
  cloudfrontApiStagePath,
  cloudfrontViewerHttp,
  cloudfrontWafMissing,
  cloudfrontSecurityHeaders,
];
