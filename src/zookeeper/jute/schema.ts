// The shape of a jute record declaration: fields in wire order, each with a jute type.
export type JutePrimitive = 'int' | 'long' | 'boolean' | 'byte' | 'ustring' | 'buffer';
export type JuteType = JutePrimitive | { vector: JuteType } | { record: string };

export interface FieldSchema {
  name: string;
  type: JuteType;
  /** A trailing field that old peers omit (read only when bytes remain, written only when set). */
  optional?: boolean;
}

export type RecordSchema = readonly FieldSchema[];
