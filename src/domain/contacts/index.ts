export * from './contact-names';
export * from './contact-names.migration';
export * from './contact-rules';
export * from './contact.dto';
export * from './contact.response';
export * from './contact.schema';
