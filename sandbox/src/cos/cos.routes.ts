import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { auditResult } from '../ci/audit';
import type { CiService } from '../ci/ci.service';
import type { SandboxContext } from '../context';
import { toXmlDocument } from '../xml';
import { isAllowed } from '../sts/policy';
import { extractSignature, isHeaderSigned, verifyCosSignature, type SignedRequest } from './cos-auth';
import { CosError, cosRequestId, sendCosError } from './cos-errors';
import { contentTypeForKey, type ObjectStore, type StoredObjectMeta } from './object-store';

/** The COS API a request maps to, used for `/sandbox/calls` and for dispatch. */
function operationOf(method: string, query: URLSearchParams, headers: Request['headers']): string {
  if (method === 'POST' && query.has('image_process')) return 'ci:image_process';
  if (method === 'GET' && query.get('ci-process') === 'GoodsMatting') return 'ci:GoodsMatting';
  if (method === 'GET' && query.get('ci-process') === 'sensitive-content-recognition') return 'ci:audit';
  if (method === 'PUT') return headers['pic-operations'] ? 'ci:PutObjectWithPicOperations' : 'cos:PutObject';
  if (method === 'GET') return query.has('ci-process') ? 'ci:unsupported' : 'cos:GetObject';
  if (method === 'HEAD') return 'cos:HeadObject';
  if (method === 'DELETE') return 'cos:DeleteObject';
  return `cos:${method}`;
}

function parsePath(req: Request, bucket: string): { pathname: string; key: string; query: URLSearchParams } {
  const url = new URL(req.originalUrl, 'http://sandbox.invalid');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    throw new CosError(400, 'InvalidURI', 'Could not parse the specified URI.');
  }
  let key = pathname.slice(1);
  // ForcePathStyle clients send /<bucket>/<key> (and sign that path).
  if (key.startsWith(`${bucket}/`)) key = key.slice(bucket.length + 1);
  return { pathname, key, query: url.searchParams };
}

function userMetaOf(headers: Request['headers']): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-cos-meta-') && typeof value === 'string') meta[name] = value;
  }
  return meta;
}

function setObjectHeaders(res: Response, meta: StoredObjectMeta): void {
  res.set({
    'Content-Type': meta.contentType,
    'Content-Length': String(meta.size),
    ETag: meta.etag,
    'Last-Modified': meta.lastModified,
    ...meta.userMeta,
  });
}

/** The object operations temporary credentials may be granted, by the action name a policy uses. */
const POLICY_ACTIONS: Record<string, string> = {
  'cos:PutObject': 'name/cos:PutObject',
  'cos:GetObject': 'name/cos:GetObject',
  'cos:HeadObject': 'name/cos:HeadObject',
  'cos:DeleteObject': 'name/cos:DeleteObject',
};

/**
 * Checks who signed the request and what they may do. The sandbox's own key pair (what the
 * backend and n8n use) may do everything. Temporary credentials from the sandbox's STS must sign
 * with their own key, carry their session token (`x-cos-security-token`, header or signed-URL
 * parameter) and stay within the policy they were issued with: its actions, its resources and
 * its `cos:content-length` conditions; anything else is 403 AccessDenied, as COS answers.
 * Temporary credentials never reach CI or bucket-level APIs in the sandbox.
 */
function authorize(ctx: SandboxContext, signed: SignedRequest, operation: string, key: string): void {
  const temporary = ctx.sts.find(extractSignature(signed)?.accessKey ?? '');
  if (!temporary) return verifyCosSignature(signed, ctx.cos);
  verifyCosSignature(signed, { secretId: temporary.tmpSecretId, secretKey: temporary.tmpSecretKey });
  const header = signed.headers['x-cos-security-token'];
  const token = typeof header === 'string' ? header : (signed.query.get('x-cos-security-token') ?? '');
  if (token !== temporary.token) {
    throw new CosError(403, 'AccessDenied', 'The security token is missing or does not belong to these credentials.');
  }
  if (Math.floor(ctx.now() / 1000) >= temporary.expiredTime) {
    throw new CosError(403, 'AccessDenied', 'The temporary credentials have expired.');
  }
  const action = POLICY_ACTIONS[operation];
  const length = signed.headers['content-length'];
  const allowed =
    action !== undefined &&
    key !== '' &&
    isAllowed(temporary.policy, {
      action,
      bucket: ctx.cos.bucket,
      key,
      contentLength: typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : null,
    });
  if (!allowed) throw new CosError(403, 'AccessDenied', 'Access Denied.');
}

function sendXml(res: Response, body: Parameters<typeof toXmlDocument>[0]): void {
  res.status(200).set('Content-Type', 'application/xml').send(toXmlDocument(body));
}

/**
 * COS object API on the single sandbox bucket (`PUT/GET/HEAD/DELETE /<key>`) plus the CI
 * requests that address objects. Every request must carry a valid q-sign signature, in
 * the Authorization header or as signed-URL parameters. Mount last: it owns every path.
 */
export function cosRouter(ctx: SandboxContext, store: ObjectStore, ci: CiService): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '64mb' }));
  router.use(async (req: Request, res: Response, _next: NextFunction) => {
    let resource = req.path;
    res.set('x-cos-request-id', cosRequestId());
    // Like a bucket with an open CORS rule, so the portal can fetch signed URLs and browser
    // SDKs can upload; preflights carry no signature, as with COS.
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'ETag, Content-Length, x-cos-request-id',
    });
    if (req.method === 'OPTIONS') {
      res.set({
        'Access-Control-Allow-Methods': 'GET, PUT, POST, HEAD, DELETE',
        'Access-Control-Allow-Headers': req.header('access-control-request-headers') ?? '*',
        'Access-Control-Max-Age': '600',
      });
      return void res.status(200).end();
    }
    try {
      const { pathname, key, query } = parsePath(req, ctx.cos.bucket);
      resource = pathname;
      const operation = operationOf(req.method, query, req.headers);
      ctx.calls.record(operation);
      const signed: SignedRequest = { method: req.method, pathname, headers: req.headers, query };
      authorize(ctx, signed, operation, key);
      if (!key) throw new CosError(501, 'NotImplemented', 'Bucket-level APIs are not implemented by the sandbox.');
      if (req.headers['pic-operations'] !== undefined && !isHeaderSigned(signed, 'pic-operations')) {
        throw new CosError(403, 'AccessDenied', 'The Pic-Operations header must be part of the signature.');
      }
      const picOperations = req.header('pic-operations');
      switch (operation) {
        case 'cos:PutObject':
        case 'ci:PutObjectWithPicOperations': {
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const contentType = req.header('content-type') || contentTypeForKey(key);
          const meta = await store.put(key, body, contentType, userMetaOf(req.headers));
          res.set('ETag', meta.etag);
          if (operation === 'ci:PutObjectWithPicOperations')
            return sendXml(res, await ci.processStored(key, picOperations));
          return void res.status(200).end();
        }
        case 'cos:GetObject': {
          const { meta, body } = await store.require(key);
          setObjectHeaders(res, meta);
          return void res.status(200).end(body);
        }
        case 'cos:HeadObject': {
          const meta = await store.head(key);
          if (!meta) return void res.status(404).end(); // HEAD answers carry no body, not even an error
          setObjectHeaders(res, meta);
          return void res.status(200).end();
        }
        case 'cos:DeleteObject':
          await store.delete(key);
          return void res.status(204).end();
        case 'ci:image_process':
          return sendXml(res, await ci.processStored(key, picOperations));
        case 'ci:GoodsMatting': {
          const out = await ci.goodsMatting(key, query);
          return void res.status(200).set('Content-Type', out.contentType).end(out.body);
        }
        case 'ci:audit':
          await store.require(key);
          return sendXml(res, auditResult(key, ctx.auditScript));
        case 'ci:unsupported':
          throw new CosError(400, 'InvalidArgument', `Unsupported ci-process: ${query.get('ci-process')}`);
        default:
          throw new CosError(405, 'MethodNotAllowed', `The specified method is not allowed against this resource.`);
      }
    } catch (err) {
      if (err instanceof CosError) return sendCosError(res, err, resource);
      console.error('[sandbox] COS request failed', err);
      return sendCosError(
        res,
        new CosError(500, 'InternalError', 'We encountered an internal error. Please try again.'),
        resource,
      );
    }
  });
  return router;
}
