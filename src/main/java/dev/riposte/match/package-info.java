/**
 * Which reactions handle which events. A reaction file's leading comment header is parsed without
 * running any code ({@link HeaderParser}); the script itself is checked by a {@link ScriptValidator}
 * (the JavaScript sandbox or the shell runner). {@link ReactionLoader} turns a directory of
 * {@code .js}, {@code .sh} and Jibril recipe ({@code .yaml}) files into a {@link ReactionSet} of loaded
 * reactions and rejections, and {@link ReactionIndex} finds the reactions for one event.
 */
package dev.riposte.match;
