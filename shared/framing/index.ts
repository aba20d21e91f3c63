// Framing: cutting received bytes into messages. Pure, so the engine and the renderer run the same code.
export { Framer, frameAll, type FramedMessage } from './framer';
export { parseFramingText, framingText, FRAMING_TEXT_HELP } from './spec-text';
export { modbusCrcOk, MODBUS_RTU_MAX_FRAME, MODBUS_TCP_MAX_FRAME } from './modbus';
