import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorKind, normaliseTag } from '@app/common';

/** A tag from the path: normalised like stored tags, 1-50 characters. */
@Injectable()
export class ParseTagPipe implements PipeTransform<unknown, string> {
  /** The path parameter as the OpenAPI document describes it (matched after normalising). */
  static readonly openApi = { type: 'string', minLength: 1, maxLength: 50, example: 'vip' } as const;

  transform(value: unknown): string {
    const tag = typeof value === 'string' ? normaliseTag(value) : '';
    if (tag.length < 1 || tag.length > 50) {
      throw new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_tag', 'tag must be 1-50 characters.', {}, [
        { path: 'tag', message: 'tag must be 1-50 characters' },
      ]);
    }
    return tag;
  }
}
