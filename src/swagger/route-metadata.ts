import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { MIN_ROLE_KEY, PLATFORM_KEY, PUBLIC_KEY } from '@app/auth';
import { CREATES_RESOURCE_KEY, Role } from '@app/common';

/** What the document needs to know about a handler that its Swagger decorators do not say. */
export interface RouteFacts {
  isPublic: boolean;
  platformOnly: boolean;
  minRole: Role;
  /** `@CreatesResource()`: the 201 carries Location. */
  createsResource: boolean;
  /** Schemas of path parameters whose pipe documents what it accepts (`static openApi`). */
  pathParams: Record<string, SchemaObject>;
}

/** A pipe class that says which values it accepts, e.g. `static readonly openApi = { pattern }`. */
interface DocumentedPipe {
  openApi?: SchemaObject;
}

interface ArgMetadata {
  data?: unknown;
  pipes?: unknown[];
}

/**
 * Handler facts keyed by the operation id Swagger gives it (`CustomerController_get`), read from
 * every controller of every module, so a new module is covered without being listed anywhere.
 */
export function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const scanner = new MetadataScanner();
  const out = new Map<string, RouteFacts>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const pick = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        out.set(`${controller.name}_${name}`, {
          isPublic: pick<boolean>(PUBLIC_KEY) === true,
          platformOnly: pick<boolean>(PLATFORM_KEY) === true,
          minRole: pick<Role>(MIN_ROLE_KEY) ?? Role.VIEWER,
          createsResource: Reflect.getMetadata(CREATES_RESOURCE_KEY, handler) === true,
          pathParams: pathParamSchemas(controller, name),
        });
      }
    }
  }
  return out;
}

function pathParamSchemas(controller: Type, method: string): Record<string, SchemaObject> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, ArgMetadata>;
  const out: Record<string, SchemaObject> = {};
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.PARAM || typeof arg.data !== 'string') continue;
    for (const pipe of arg.pipes ?? []) {
      const type = (typeof pipe === 'function' ? pipe : (pipe as object | null)?.constructor) as
        DocumentedPipe | undefined;
      if (type?.openApi) out[arg.data] = type.openApi;
    }
  }
  return out;
}
