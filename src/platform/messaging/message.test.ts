import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMessage, MessageParseError } from './message.ts';

const CarSubmitted = defineMessage('car.submitted', z.object({ bookingId: z.string(), ori: z.string().length(9) }));

describe('defineMessage', () => {
  it('builds a typed outgoing message and parses it back', () => {
    const out = CarSubmitted.create({ from: 'booking', to: 'state-bureau', correlationId: 'b1', payload: { bookingId: 'b1', ori: 'TX0000000' } });
    const msg = { ...out, id: 'X', createdAt: 0 };
    expect(CarSubmitted.is(msg)).toBe(true);
    expect(CarSubmitted.parse(msg).payload.ori).toBe('TX0000000');
  });

  it('rejects a payload that does not fit its schema with a typed error', () => {
    const msg = { id: 'X', type: 'car.submitted', from: 'a', to: 'b', correlationId: 'c', payload: { bookingId: 1 }, createdAt: 0 };
    expect(() => CarSubmitted.parse(msg)).toThrow(MessageParseError);
    expect(() => CarSubmitted.parse({ ...msg, type: 'other' })).toThrow(/expected type car.submitted/);
  });
});
