import { context, diag, SpanKind, trace, type Span } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { ATTR_AWS_S3_BUCKET, ATTR_AWS_S3_KEY, ATTR_AWS_S3_UPLOAD_ID, ATTR_PROVENANCE_S3_PRESIGNED_EXPIRES_IN } from './attributes.js';
import { observeBody, observeResponseBody } from './body-observer.js';
import { operationOf, requestAttributes, responseAttributes, rpcAttributes } from './command-attributes.js';
import { S3Span } from './s3-span.js';
import { UPLOAD_DIGEST_KEY, UploadDigest, uploadDigestOf } from './upload-digest.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type AwsS3InstrumentationConfig = InstrumentationConfig;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Fields = Record<string, unknown>;
interface CommandLike {
  input?: Fields;
}

/** Presigned URLs live 900 seconds unless `expiresIn` says otherwise (s3-request-presigner's default). */
const DEFAULT_PRESIGN_EXPIRES_IN = 900;
/** On our `send`: the prototype's own `send` descriptor it replaced (undefined: `send` was inherited). */
const OWN_SEND = Symbol('@llm-provenance/instrumentation-aws-s3 replaced send');

/**
 * Traces Amazon S3 through the AWS SDK for JavaScript v3: every `S3Client.send(command)`, `Upload.done()`
 * of @aws-sdk/lib-storage and `getSignedUrl()` of @aws-sdk/s3-request-presigner, with each object's
 * content CID computed while its bytes pass through. See the README.
 *
 * With @opentelemetry/instrumentation-aws-sdk also active, its span for the same call is a child of
 * ours: ours is entered in `S3Client.prototype.send`, its span in the client's middleware stack below.
 */
export class AwsS3Instrumentation extends InstrumentationBase<AwsS3InstrumentationConfig> {
  constructor(config: AwsS3InstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        '@aws-sdk/client-s3',
        [SUPPORTED_VERSIONS['@aws-sdk/client-s3']],
        (exports: Fields) => this.patchClient(exports),
        (exports: Fields | undefined) => this.unpatchClient(exports),
      ),
      new InstrumentationNodeModuleDefinition(
        '@aws-sdk/lib-storage',
        [SUPPORTED_VERSIONS['@aws-sdk/lib-storage']],
        (exports: Fields) => this.patchPrototype(exports?.Upload, 'done', (original) => this._getPatchedUploadDone(original)) ?? exports,
        (exports: Fields | undefined) => this.unpatchPrototype(exports?.Upload, 'done'),
      ),
      new InstrumentationNodeModuleDefinition(
        '@aws-sdk/s3-request-presigner',
        [SUPPORTED_VERSIONS['@aws-sdk/s3-request-presigner']],
        (exports: Fields) => {
          this.guard('patching getSignedUrl', () => {
            if (typeof exports?.getSignedUrl !== 'function') return;
            if (isWrapped(exports.getSignedUrl)) this._unwrap(exports, 'getSignedUrl');
            this._wrap(exports, 'getSignedUrl', (original) => this._getPatchedGetSignedUrl(original as AnyFunction));
          });
          return exports;
        },
        (exports: Fields | undefined) => {
          if (exports && isWrapped(exports.getSignedUrl)) this._unwrap(exports, 'getSignedUrl');
        },
      ),
    ];
  }

  /**
   * `S3Client.prototype.send`. S3Client inherits `send` from the smithy Client; ours is defined on
   * S3Client.prototype and calls the inherited one as it is at call time, so an instrumentation that wraps
   * Client.prototype.send (instrumentation-aws-sdk) still runs, below our span. Defined by hand rather
   * than with `_wrap`, which would first unwrap the inherited (someone else's) wrapper.
   */
  private patchClient(exports: Fields): Fields {
    this.guard('patching S3Client.send', () => {
      const proto = (exports?.S3Client as { prototype?: Fields } | undefined)?.prototype;
      if (!proto) return diag.warn(`${PACKAGE_NAME}: @aws-sdk/client-s3 loaded without S3Client; nothing is traced`);
      this.unpatchClient(exports);
      const own = Object.getOwnPropertyDescriptor(proto, 'send');
      const target = own ? () => own.value as AnyFunction : () => (Object.getPrototypeOf(proto) as { send: AnyFunction }).send;
      const patched = this._getPatchedSend(target);
      // What `isWrapped` and shimmer's `unwrap` look for.
      Object.defineProperty(patched, '__wrapped', { value: true });
      Object.defineProperty(patched, '__unwrap', { value: () => this.unpatchClient(exports) });
      Object.defineProperty(patched, OWN_SEND, { value: own });
      Object.defineProperty(proto, 'send', { value: patched, writable: true, configurable: true, enumerable: false });
    });
    return exports;
  }

  private unpatchClient(exports: Fields | undefined): void {
    const proto = (exports?.S3Client as { prototype?: Fields } | undefined)?.prototype;
    const current: unknown = proto && Object.getOwnPropertyDescriptor(proto, 'send')?.value;
    if (!proto || typeof current !== 'function' || !Object.prototype.hasOwnProperty.call(current, OWN_SEND)) return;
    const own = (current as unknown as Record<symbol, PropertyDescriptor | undefined>)[OWN_SEND];
    if (own) Object.defineProperty(proto, 'send', own);
    else delete proto.send;
  }

  private patchPrototype(ctor: unknown, method: string, factory: (original: AnyFunction) => AnyFunction): undefined {
    this.guard(`patching ${method}`, () => {
      const proto = (ctor as { prototype?: Fields } | undefined)?.prototype;
      if (!proto || typeof proto[method] !== 'function') return;
      if (isWrapped(proto[method])) this._unwrap(proto, method);
      this._wrap(proto, method, (original) => factory(original as AnyFunction));
    });
    return undefined;
  }

  private unpatchPrototype(ctor: unknown, method: string): void {
    const proto = (ctor as { prototype?: Fields } | undefined)?.prototype;
    if (proto && isWrapped(proto[method])) this._unwrap(proto, method);
  }

  /** `client.send(command[, options][, callback])`: one span per command, ended when S3 answered (GetObject: when the body was read). */
  private _getPatchedSend(target: () => AnyFunction): AnyFunction {
    // The receiver is the SDK's object (`self`); `this` stays the instrumentation.
    const traced = (self: unknown, args: unknown[]): unknown => {
      const original = target();
      if (!this.isEnabled()) return original.apply(self, args);
      const started = this.guard('starting an S3 span', () => this.startCommand(args[0] as CommandLike));
      if (!started) return original.apply(self, args);
      const { call, operation, spanContext } = started;
      const callbackAt = args.findIndex((arg, index) => index > 0 && typeof arg === 'function');
      if (callbackAt > 0) {
        const callback = args[callbackAt] as (err: unknown, output?: unknown) => void;
        args[callbackAt] = (err: unknown, output?: unknown) => {
          if (err) this.commandFailed(call, err);
          else this.commandSucceeded(call, operation, output);
          return callback(err, output);
        };
      }
      let result: unknown;
      try {
        result = context.with(spanContext, () => original.apply(self, args));
      } catch (err) {
        this.commandFailed(call, err);
        throw err;
      }
      if (callbackAt < 0) {
        if (isPromiseLike(result)) {
          // Observed beside the caller, who gets the SDK's own promise.
          result.then(
            (output) => this.commandSucceeded(call, operation, output),
            (err: unknown) => this.commandFailed(call, err),
          );
        } else {
          this.guard('ending an S3 span', () => call.end());
        }
      }
      return result;
    };
    return function send(this: unknown, ...args: unknown[]): unknown {
      return traced(this, args);
    };
  }

  private startCommand(command: CommandLike | undefined): { call: S3Span; operation: string; spanContext: ReturnType<typeof context.active> } | undefined {
    const operation = operationOf(command);
    if (!operation) return undefined;
    const input = command?.input;
    const span = this.tracer.startSpan(`S3.${operation}`, { kind: SpanKind.CLIENT, attributes: requestAttributes(operation, input) });
    const call = new S3Span(span);
    const active = context.active();
    if (operation === 'PutObject' || operation === 'UploadPart') {
      const body = input?.Body;
      const partNumber = operation === 'PutObject' ? 1 : input?.PartNumber;
      const upload = uploadDigestOf(active);
      if (upload && typeof partNumber === 'number') upload.addPart(partNumber, body);
      observeBody(body, (digest) => {
        call.requestDigest = digest;
      });
    }
    return { call, operation, spanContext: trace.setSpan(active, span) };
  }

  private commandSucceeded(call: S3Span, operation: string, output: unknown): void {
    this.guard('ending an S3 span', () => {
      call.set(responseAttributes(operation, output as Fields | undefined));
      if (call.requestDigest) call.setContent(call.requestDigest);
      const body = operation === 'GetObject' ? (output as Fields | undefined)?.Body : undefined;
      // The response body's CID is known once the app has read it all; the span ends then.
      if (
        body &&
        observeResponseBody(body, (digest, error) => {
          if (digest) call.setContent(digest);
          else if (error) call.fail(error);
          call.end();
        })
      ) {
        return;
      }
      call.end();
    });
  }

  private commandFailed(call: S3Span, err: unknown): void {
    this.guard('ending an S3 span', () => {
      call.fail(err);
      call.end();
    });
  }

  /** `Upload.prototype.done()`: one span over the whole upload, with the whole object's CID. */
  private _getPatchedUploadDone(original: AnyFunction): AnyFunction {
    // The receiver is the SDK's object (`self`); `this` stays the instrumentation.
    const traced = (self: unknown, args: unknown[]): unknown => {
      if (!this.isEnabled()) return original.apply(self, args);
      const upload = self as { params?: Fields; uploadId?: unknown };
      const started = this.guard('starting an Upload span', () => {
        const span: Span = this.tracer.startSpan('S3.Upload', {
          kind: SpanKind.INTERNAL,
          attributes: requestAttributes('Upload', pickObject(upload.params)),
        });
        const digest = new UploadDigest();
        return { call: new S3Span(span), digest, spanContext: trace.setSpan(context.active(), span).setValue(UPLOAD_DIGEST_KEY, digest) };
      });
      if (!started) return original.apply(self, args);
      const { call, digest, spanContext } = started;
      let result: unknown;
      try {
        result = context.with(spanContext, () => original.apply(self, args));
      } catch (err) {
        this.commandFailed(call, err);
        throw err;
      }
      if (!isPromiseLike(result)) {
        call.end();
        return result;
      }
      result.then(
        (output) =>
          this.guard('ending an Upload span', () => {
            if (typeof upload.uploadId === 'string') call.set({ [ATTR_AWS_S3_UPLOAD_ID]: upload.uploadId });
            call.set(responseAttributes('Upload', output as Fields | undefined));
            call.setContent(digest.finish());
            call.end();
          }),
        (err: unknown) => this.commandFailed(call, err),
      );
      return result;
    };
    return function done(this: unknown, ...args: unknown[]): unknown {
      return traced(this, args);
    };
  }

  /**
   * `getSignedUrl(client, command, options)`: records that a URL was issued, for which operation, bucket,
   * key and lifetime. The URL itself (its signature, credential and any session token) is never read.
   */
  private _getPatchedGetSignedUrl(original: AnyFunction): AnyFunction {
    // The receiver is the SDK's object (`self`); `this` stays the instrumentation.
    const traced = (self: unknown, args: unknown[]): unknown => {
      if (!this.isEnabled()) return original.apply(self, args);
      const call = this.guard('starting a presign span', () => {
        const command = args[1] as CommandLike | undefined;
        const operation = operationOf(command) ?? 'unknown';
        const expiresIn = (args[2] as { expiresIn?: unknown } | undefined)?.expiresIn;
        const attributes = { ...rpcAttributes(operation), ...pickLocation(command?.input) };
        attributes[ATTR_PROVENANCE_S3_PRESIGNED_EXPIRES_IN] = typeof expiresIn === 'number' ? expiresIn : DEFAULT_PRESIGN_EXPIRES_IN;
        return new S3Span(this.tracer.startSpan(`S3.getSignedUrl ${operation}`, { kind: SpanKind.INTERNAL, attributes }));
      });
      if (!call) return original.apply(self, args);
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (err) {
        this.commandFailed(call, err);
        throw err;
      }
      if (isPromiseLike(result)) {
        result.then(
          () => this.guard('ending a presign span', () => call.end()),
          (err: unknown) => this.commandFailed(call, err),
        );
      } else {
        call.end();
      }
      return result;
    };
    return function getSignedUrl(this: unknown, ...args: unknown[]): unknown {
      return traced(this, args);
    };
  }

  /** Runs `fn`; our own failure is reported once through diag and never reaches the app. */
  private guard<T>(where: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this._diag.warn(`${where} failed; the call goes on untraced`, err);
      return undefined;
    }
  }
}

/** Bucket and key only, from Upload's params (which also hold the body and whatever else the app passed). */
function pickObject(params: Fields | undefined): Fields | undefined {
  return params ? { Bucket: params.Bucket, Key: params.Key } : undefined;
}

function pickLocation(input: Fields | undefined): Fields {
  const attributes: Fields = {};
  if (typeof input?.Bucket === 'string') attributes[ATTR_AWS_S3_BUCKET] = input.Bucket;
  if (typeof input?.Key === 'string') attributes[ATTR_AWS_S3_KEY] = input.Key;
  return attributes;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
