import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API server received. */
export type RecordedKubernetesRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: any;
};

type Rejection = { status: number; reason: string; message: string };

/** Resource lists served for discovery (`GET /api/v1`, `GET /apis/<group>/<version>`). */
const discovery: Record<
  string,
  Array<{ kind: string; name: string; namespaced: boolean }>
> = {
  '/api/v1': [
    { kind: 'Namespace', name: 'namespaces', namespaced: false },
    { kind: 'Service', name: 'services', namespaced: true },
    { kind: 'ConfigMap', name: 'configmaps', namespaced: true },
  ],
  '/apis/apps/v1': [
    { kind: 'Deployment', name: 'deployments', namespaced: true },
  ],
  '/apis/policy/v1': [
    {
      kind: 'PodDisruptionBudget',
      name: 'poddisruptionbudgets',
      namespaced: true,
    },
  ],
  '/apis/keda.sh/v1alpha1': [
    { kind: 'ScaledObject', name: 'scaledobjects', namespaced: true },
  ],
  '/apis/monitoring.coreos.com/v1': [
    { kind: 'ServiceMonitor', name: 'servicemonitors', namespaced: true },
  ],
  '/apis/serving.kserve.io/v1beta1': [
    { kind: 'InferenceService', name: 'inferenceservices', namespaced: true },
  ],
};

/**
 * A minimal Kubernetes API server on 127.0.0.1 that serves discovery, answers server-side
 * apply PATCHes like the real one (the object back with a `resourceVersion`) and records
 * every request, so tests see exactly what `@kubernetes/client-node` sends.
 */
export class FakeKubernetesApiServer {
  readonly requests: RecordedKubernetesRequest[] = [];
  private readonly rejections = new Map<string, Rejection>();
  private resourceVersion = 1000;
  private server?: Server;

  /** Makes PATCHes to `path` fail with a `Status` of the given code, reason and message. */
  reject(path: string, rejection: Rejection) {
    this.rejections.set(path, rejection);
  }

  /** Forgets the recorded requests and the configured rejections. */
  reset() {
    this.requests.length = 0;
    this.rejections.clear();
  }

  /** PATCH requests only (the applies), in order. */
  get patches(): RecordedKubernetesRequest[] {
    return this.requests.filter(r => r.method === 'PATCH');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          // keep the raw text
        }
        this.requests.push({
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
        });
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        };

        if (req.headers.authorization !== 'Bearer test-service-account-token') {
          send(401, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Unauthorized',
            message: 'Unauthorized',
            code: 401,
          });
          return;
        }
        if (req.method === 'GET' && discovery[url.pathname]) {
          send(200, {
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: url.pathname.replace(/^\/(api|apis)\//, ''),
            resources: discovery[url.pathname].map(r => ({
              ...r,
              singularName: '',
              verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'],
            })),
          });
          return;
        }
        if (req.method === 'PATCH') {
          const rejection = this.rejections.get(url.pathname);
          if (rejection) {
            send(rejection.status, {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: rejection.message,
              reason: rejection.reason,
              code: rejection.status,
            });
            return;
          }
          const object = body as { metadata?: Record<string, unknown> };
          this.resourceVersion += 1;
          send(200, {
            ...object,
            metadata: {
              ...object.metadata,
              uid: `uid-${this.resourceVersion}`,
              resourceVersion: String(this.resourceVersion),
            },
          });
          return;
        }
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          message: `the server could not find the requested resource ${url.pathname}`,
          code: 404,
        });
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
