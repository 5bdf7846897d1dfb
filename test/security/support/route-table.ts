import type { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { MIN_ROLE_KEY, PLATFORM_KEY, PUBLIC_KEY } from '@app/auth';
import { Role } from '@app/common';
import type { TestApp } from '../../support/test-app';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route the running application serves, with what its decorators say about access. */
export interface ApiRoute {
  method: HttpMethod;
  /** Route pattern as registered, e.g. `/api/v1/customers/:id/contacts/:contactId`. */
  path: string;
  /** Path parameter names in order, e.g. `['id', 'contactId']`. */
  params: string[];
  /** First path segment after the prefix (`customers`), which names the route family. */
  family: string;
  isPublic: boolean;
  platformOnly: boolean;
  /** Least tenant role allowed; viewer unless the route says otherwise. */
  minRole: Role;
  /** Writes change data; viewers may never call them unless `minRole` is viewer. */
  write: boolean;
  /** `Controller.handler`, for messages. */
  handler: string;
}

export const API_PREFIX = '/api/v1';

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

interface HandlerMeta {
  isPublic: boolean;
  platformOnly: boolean;
  minRole: Role;
  handler: string;
}

/**
 * Every route under /api/v1, as the HTTP server registered it (what is actually served) and
 * joined with the Nest decorators of its handler (public, platform-only, least role). A route
 * added by any module shows up here without touching the suites that use this table.
 */
export function routeTable(t: TestApp): ApiRoute[] {
  const meta = handlerMetadata(t.app);
  const methods: string[] = Object.values(METHODS);
  const seen = new Set<string>();
  const routes: ApiRoute[] = [];
  for (const { method: m, path } of t.routes) {
    if (!path.startsWith(`${API_PREFIX}/`) || !methods.includes(m)) continue;
    const method = m as HttpMethod;
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const found = meta.get(key);
    if (!found) throw new Error(`route ${key} is served but no controller handler declares it`);
    routes.push({
      method,
      path,
      params: [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((x) => x[1]),
      family: path.slice(API_PREFIX.length + 1).split('/')[0],
      write: method !== 'GET',
      ...found,
    });
  }
  return routes;
}

/** `METHOD /api/v1/path` → decorators of the handler, from every controller of every module. */
function handlerMetadata(app: INestApplication): Map<string, HandlerMeta> {
  const scanner = new MetadataScanner();
  const out = new Map<string, HandlerMeta>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (sub === undefined) continue;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        if (!method) continue;
        const pick = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        const info: HandlerMeta = {
          isPublic: pick<boolean>(PUBLIC_KEY) === true,
          platformOnly: pick<boolean>(PLATFORM_KEY) === true,
          minRole: pick<Role>(MIN_ROLE_KEY) ?? Role.VIEWER,
          handler: `${controller.name}.${name}`,
        };
        for (const b of base) {
          for (const s of paths(sub)) {
            const joined = [API_PREFIX, b, s]
              .map((p) => p.replace(/^\/+|\/+$/g, ''))
              .filter(Boolean)
              .join('/');
            out.set(`${method} /${joined}`, info);
          }
        }
      }
    }
  }
  return out;
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : ''];
}

/** Fills `:name` parameters of a route pattern. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(v);
  });
}
